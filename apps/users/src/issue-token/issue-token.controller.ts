import { Body, Controller, HttpCode, HttpStatus, Ip, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '@app/platform';
import { IssueTokenDto } from './issue-token.dto';
import { IssueTokenService } from './issue-token.service';

@ApiTags('users')
@Controller('v1/auth')
export class IssueTokenController {
  constructor(private readonly tokens: IssueTokenService) {}

  /** Signs in: an access token (EdDSA-signed JWT) for the user with this phone and password. */
  @Post('token')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ description: '{ accessToken, tokenType: "Bearer", expiresIn } (seconds)' })
  @ApiUnauthorizedResponse({ description: 'unknown phone or wrong password, one answer for both (code AUTH.INVALID_CREDENTIALS)' })
  @ApiTooManyRequestsResponse({ description: 'too many failures for this phone; Retry-After says when to try again (code AUTH.THROTTLED)' })
  @ApiBadRequestResponse({ description: 'a malformed body; the message names every offending field' })
  issue(@Body() body: IssueTokenDto, @Ip() origin: string) {
    return this.tokens.issue(body, origin);
  }
}
