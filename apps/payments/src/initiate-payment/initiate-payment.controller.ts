import { Body, Controller, Headers, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, CurrentUser } from '@app/auth';
import { PaymentResourceDto, PaymentView } from '../payment.view';
import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey } from './idempotency-key';
import { InitiatePaymentDto } from './initiate-payment.dto';
import { InitiatePaymentService } from './initiate-payment.service';

@ApiTags('payments')
@Controller('v1/payments')
export class InitiatePaymentController {
  constructor(private readonly payments: InitiatePaymentService) {}

  /**
   * Initiates a payment from one of the caller's VPAs to a VPA linked to anyone. It is accepted as
   * PENDING; its outcome is decided asynchronously.
   */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description:
      "Optional, 1–255 printable ASCII characters, scoped to the payer's user (another user's key of the same text is " +
      'another key) and kept at least 24 hours. A retry with the ' +
      'same key and the same body (compared after normalization: "1.5" and "1.50" are the same amount) gets the first ' +
      'answer again, with header Idempotent-Replayed: true, and creates nothing; the same key with a different body ' +
      'gets 422. Concurrent requests with one key create one payment and all get its answer.',
  })
  @ApiAcceptedResponse({ type: PaymentResourceDto, description: 'the payment, status PENDING (on a replay: as first answered)' })
  @ApiBadRequestResponse({ description: 'a malformed body or Idempotency-Key; the message names every offending field' })
  @ApiUnauthorizedResponse({ description: 'no valid bearer token (code AUTH.TOKEN_MISSING or AUTH.TOKEN_INVALID)' })
  @ApiForbiddenResponse({ description: "payerVpa is not one of the caller's linked VPAs (code VPA.NOT_OWNED)" })
  @ApiUnprocessableEntityResponse({
    description:
      'payeeVpa is not linked to anyone (code PAYEE.UNKNOWN; a VPA linked a moment ago may not be known yet: retry), or ' +
      'the Idempotency-Key was used by this user for a different request (code IDEMPOTENCY_KEY.REUSED)',
  })
  @ApiTooManyRequestsResponse({
    description:
      'more than RATE_LIMIT_PAYMENTS_PER_MIN initiations by this user within a minute (code PAYMENT.RATE_LIMITED); see Retry-After',
  })
  @ApiConflictResponse({
    description: 'the Idempotency-Key is in use by a request still running (code IDEMPOTENCY_KEY.IN_PROGRESS); safe to retry',
  })
  async initiate(
    @Body() body: InitiatePaymentDto,
    @CurrentUser() caller: Caller,
    @Headers('idempotency-key') idempotencyKey: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PaymentView> {
    const { payment, replayed } = await this.payments.initiate(body, caller, parseIdempotencyKey(idempotencyKey));
    if (replayed) reply.header('Idempotent-Replayed', 'true');
    return payment;
  }
}
