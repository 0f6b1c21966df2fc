import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, CurrentUser } from '@app/auth';
import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey } from '../initiate-payment/idempotency-key';
import { RefundListDto, RefundResourceDto, RefundView } from '../refund.view';
import { ListRefundsService } from './list-refunds.service';
import { RequestRefundDto } from './request-refund.dto';
import { RequestRefundService } from './request-refund.service';

@ApiTags('refunds')
@Controller('v1/payments/:id/refunds')
export class RefundsController {
  constructor(
    private readonly requests: RequestRefundService,
    private readonly lists: ListRefundsService,
  ) {}

  /**
   * Refunds (part of) a SUCCEEDED payment, from its payee back to its payer: for the payee's user
   * and operators. Accepted as PENDING; the ledger decides whether the payee's funds allow it.
   */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description:
      'Optional, 1–255 printable ASCII characters, scoped to the caller, kept at least IDEMPOTENCY_TTL_H hours: the same ' +
      'semantics as for payments (a retry gets the first answer with Idempotent-Replayed: true; a different request 422).',
  })
  @ApiAcceptedResponse({ type: RefundResourceDto, description: 'the refund, status PENDING (on a replay: as first answered)' })
  @ApiBadRequestResponse({ description: 'a malformed body or Idempotency-Key; the message names every offending field' })
  @ApiUnauthorizedResponse({ description: 'no valid bearer token (code AUTH.TOKEN_MISSING or AUTH.TOKEN_INVALID)' })
  @ApiForbiddenResponse({ description: 'the caller is the payer, not the payee (code REFUND.NOT_PAYEE)' })
  @ApiNotFoundResponse({ description: 'no payment with this id that the caller may see (code PAYMENT.NOT_FOUND)' })
  @ApiConflictResponse({ description: 'the payment is not SUCCEEDED (code PAYMENT.NOT_SUCCEEDED)' })
  @ApiUnprocessableEntityResponse({
    description:
      'pending and succeeded refunds would pass the payment amount (code REFUND.EXCEEDS_PAYMENT, with `refundable`), or the ' +
      'Idempotency-Key was used by this caller for a different request (code IDEMPOTENCY_KEY.REUSED)',
  })
  async request(
    @Param('id') id: string,
    @Body() body: RequestRefundDto,
    @CurrentUser() caller: Caller,
    @Headers('idempotency-key') idempotencyKey: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RefundView> {
    const { refund, replayed } = await this.requests.request(id, body, caller, parseIdempotencyKey(idempotencyKey));
    if (replayed) reply.header('Idempotent-Replayed', 'true');
    return refund;
  }

  /** A payment's refunds, oldest first: for its payer's and its payee's user, and operators. */
  @Get()
  @ApiOkResponse({ type: RefundListDto })
  @ApiUnauthorizedResponse({ description: 'no valid bearer token (code AUTH.TOKEN_MISSING or AUTH.TOKEN_INVALID)' })
  @ApiNotFoundResponse({ description: 'no payment with this id that the caller may see (code PAYMENT.NOT_FOUND)' })
  list(@Param('id') id: string, @CurrentUser() caller: Caller) {
    return this.lists.list(id, caller);
  }
}
