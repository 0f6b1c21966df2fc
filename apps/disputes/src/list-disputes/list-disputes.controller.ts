import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { DisputePageDto } from '../dispute.view';
import { ListDisputesQueryDto } from './list-disputes.dto';
import { ListDisputesService } from './list-disputes.service';

@ApiTags('disputes')
@Controller('v1/disputes')
export class ListDisputesController {
  constructor(private readonly disputes: ListDisputesService) {}

  /** Disputes, newest first, optionally in one status: a user's as payer or payee; every dispute for an operator. */
  @Get()
  @ApiOkResponse({ type: DisputePageDto })
  @ApiBadRequestResponse({ description: 'a malformed query parameter, named in the message' })
  @ApiUnauthorizedResponse({ description: 'no valid bearer token (code AUTH.TOKEN_MISSING or AUTH.TOKEN_INVALID)' })
  list(@Query() query: ListDisputesQueryDto, @CurrentUser() caller: Caller) {
    return this.disputes.list(query, caller);
  }
}
