import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { DisputeDetailResourceDto, DisputeDetailView } from '../dispute.view';
import { GetDisputeService } from './get-dispute.service';

@ApiTags('disputes')
@Controller('v1/disputes')
export class GetDisputeController {
  constructor(private readonly disputes: GetDisputeService) {}

  /** One dispute with its history (every status change: who, when, from, to) and its comments: for its payer's and payee's user, and operators. */
  @Get(':id')
  @ApiOkResponse({ type: DisputeDetailResourceDto })
  @ApiUnauthorizedResponse({ description: 'no valid bearer token (code AUTH.TOKEN_MISSING or AUTH.TOKEN_INVALID)' })
  @ApiNotFoundResponse({ description: 'no dispute with this id that the caller may see (code DISPUTE.NOT_FOUND)' })
  get(@Param('id') id: string, @CurrentUser() caller: Caller): Promise<DisputeDetailView> {
    return this.disputes.get(id, caller);
  }
}
