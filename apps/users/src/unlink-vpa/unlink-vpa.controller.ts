import { Controller, Delete, HttpCode, HttpStatus, Ip, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { VpaParamDto } from '../link-vpa/link-vpa.dto';
import { UnlinkVpaService } from './unlink-vpa.service';

@ApiTags('users')
@Controller('v1/users/me/vpas')
export class UnlinkVpaController {
  constructor(private readonly vpas: UnlinkVpaService) {}

  /** Unlinks one of the signed-in user's VPAs. */
  @Delete(':vpa')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'unlinked; VpaUnlinked is published' })
  @ApiNotFoundResponse({ description: 'the VPA is not linked to the caller (code VPA.NOT_FOUND)' })
  async unlink(@CurrentUser() caller: Caller, @Param() { vpa }: VpaParamDto, @Ip() origin: string): Promise<void> {
    await this.vpas.unlink(caller, vpa, origin);
  }
}
