import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { DisputeResourceDto, DisputeView } from '../dispute.view';
import { ResolveDisputeDto } from './resolve-dispute.dto';
import { TransitionDisputeService } from './transition-dispute.service';

const NOT_FOUND = 'no dispute with this id that the caller may see (code DISPUTE.NOT_FOUND)';
const UNAUTHORIZED = 'no valid bearer token (code AUTH.TOKEN_MISSING or AUTH.TOKEN_INVALID)';
const INVALID = 'the dispute is not where this move starts from; nothing changed (code DISPUTE.INVALID_TRANSITION, with `status`)';

/**
 * Moves a dispute along its diagram: OPEN → UNDER_REVIEW → RESOLVED_FOR_PAYER or RESOLVED_FOR_PAYEE;
 * OPEN or UNDER_REVIEW → WITHDRAWN. A party who may not make a move gets 403, anyone else 404.
 */
@ApiTags('disputes')
@Controller('v1/disputes')
export class TransitionDisputeController {
  constructor(private readonly disputes: TransitionDisputeService) {}

  /** An operator starts reviewing an OPEN dispute: UNDER_REVIEW. */
  @Post(':id/review')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DisputeResourceDto, description: 'the dispute, UNDER_REVIEW' })
  @ApiUnauthorizedResponse({ description: UNAUTHORIZED })
  @ApiForbiddenResponse({ description: 'a party who is not an operator (code AUTH.FORBIDDEN)' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: INVALID })
  review(@Param('id') id: string, @CurrentUser() caller: Caller): Promise<DisputeView> {
    return this.disputes.review(id, caller);
  }

  /**
   * An operator resolves a dispute UNDER_REVIEW: for the payer (the payments service refunds the
   * disputed amount, and the dispute shows that refund) or for the payee (nothing moves).
   */
  @Post(':id/resolve')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DisputeResourceDto, description: 'the dispute, RESOLVED_FOR_PAYER or RESOLVED_FOR_PAYEE, with its resolution' })
  @ApiBadRequestResponse({ description: 'a malformed body; the message names every offending field' })
  @ApiUnauthorizedResponse({ description: UNAUTHORIZED })
  @ApiForbiddenResponse({ description: 'a party who is not an operator (code AUTH.FORBIDDEN)' })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: `${INVALID}; of two operators resolving at once, one gets this` })
  resolve(@Param('id') id: string, @Body() { outcome, note }: ResolveDisputeDto, @CurrentUser() caller: Caller): Promise<DisputeView> {
    return this.disputes.resolve(id, outcome, note, caller);
  }

  /** The payer withdraws their dispute, OPEN or UNDER_REVIEW: WITHDRAWN. */
  @Post(':id/withdraw')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DisputeResourceDto, description: 'the dispute, WITHDRAWN' })
  @ApiUnauthorizedResponse({ description: UNAUTHORIZED })
  @ApiForbiddenResponse({ description: "the payee's user or an operator (code DISPUTE.NOT_PAYER)" })
  @ApiNotFoundResponse({ description: NOT_FOUND })
  @ApiConflictResponse({ description: INVALID })
  withdraw(@Param('id') id: string, @CurrentUser() caller: Caller): Promise<DisputeView> {
    return this.disputes.withdraw(id, caller);
  }
}
