import { Controller, Delete, Get, HttpCode, HttpStatus, Ip } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { DeregisterUserService } from '../deregister-user/deregister-user.service';
import { GetMeService } from './get-me.service';

@ApiTags('users')
@Controller('v1/users/me')
export class MeController {
  constructor(
    private readonly me: GetMeService,
    private readonly deregistration: DeregisterUserService,
  ) {}

  /** The signed-in user: name, phone, roles and linked VPAs (oldest link first). */
  @Get()
  @ApiOkResponse({ description: '{ id, name, phone, roles, vpas: [{ vpa, linkedAt }] }' })
  @ApiUnauthorizedResponse({ description: 'no valid token, or its user is de-registered' })
  get(@CurrentUser() caller: Caller) {
    return this.me.get(caller);
  }

  /** De-registers the signed-in user: every VPA of theirs is unlinked and their tokens stop working. */
  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'de-registered; UserDeregistered and a VpaUnlinked per VPA are published' })
  async deregister(@CurrentUser() caller: Caller, @Ip() origin: string): Promise<void> {
    await this.deregistration.deregister(caller, origin);
  }
}
