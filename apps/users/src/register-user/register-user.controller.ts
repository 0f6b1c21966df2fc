import { Body, Controller, HttpCode, HttpStatus, Ip, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@app/platform';
import { RegisterUserDto } from './register-user.dto';
import { RegisterUserService } from './register-user.service';

@ApiTags('users')
@Controller('v1/users')
export class RegisterUserController {
  constructor(private readonly users: RegisterUserService) {}

  /** Registers a user with a name, an Indian mobile number and a password (stored only as a salted scrypt hash). */
  @Post()
  @Public()
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({ description: '{ id, name, phone, createdAt }' })
  @ApiConflictResponse({ description: 'a registered user has this phone (code USER.PHONE_TAKEN)' })
  @ApiBadRequestResponse({ description: 'a malformed body; the message names every offending field' })
  register(@Body() body: RegisterUserDto, @Ip() origin: string) {
    return this.users.register(body, { userId: null, origin });
  }
}
