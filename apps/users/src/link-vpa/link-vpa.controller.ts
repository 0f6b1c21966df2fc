import { Body, Controller, HttpCode, HttpStatus, Ip, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { LinkVpaDto } from './link-vpa.dto';
import { LinkVpaService } from './link-vpa.service';

@ApiTags('users')
@Controller('v1/users/me/vpas')
export class LinkVpaController {
  constructor(private readonly vpas: LinkVpaService) {}

  /** Links a VPA to the signed-in user (stored lowercase); a user holds up to 5. */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({ description: '{ vpa, linkedAt }' })
  @ApiConflictResponse({ description: 'the VPA is linked to someone, the caller included (code VPA.TAKEN)' })
  @ApiUnprocessableEntityResponse({ description: 'the caller holds 5 VPAs already (code VPA.LIMIT_REACHED)' })
  link(@CurrentUser() caller: Caller, @Body() { vpa }: LinkVpaDto, @Ip() origin: string) {
    return this.vpas.link(caller, vpa, origin);
  }
}
