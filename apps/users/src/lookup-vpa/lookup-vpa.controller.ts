import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { VpaParamDto } from '../link-vpa/link-vpa.dto';
import { LookupVpaService } from './lookup-vpa.service';

@ApiTags('users')
@Controller('v1/vpas')
export class LookupVpaController {
  constructor(private readonly vpas: LookupVpaService) {}

  /** Validates an address: is this VPA linked, and to whom (name masked: `Alice Kumar` → `A**** K****`). */
  @Get(':vpa')
  @ApiOkResponse({ description: '{ vpa, name } with the name masked' })
  @ApiNotFoundResponse({ description: 'the VPA is not linked to anyone (code VPA.NOT_FOUND)' })
  @ApiTooManyRequestsResponse({ description: 'more than 30 lookups in a minute; Retry-After says when (code VPA.LOOKUPS_THROTTLED)' })
  lookup(@CurrentUser() caller: Caller, @Param() { vpa }: VpaParamDto) {
    return this.vpas.lookup(caller, vpa);
  }
}
