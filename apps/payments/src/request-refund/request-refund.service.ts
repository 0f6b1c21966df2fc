import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { Caller } from '@app/auth';
import { formatPaise } from '@app/contracts';
import { Outbox, UnitOfWork } from '@app/messaging';
import { conflict, DomainError, forbidden } from '@app/platform';
import { annotate, currentTraceHeaders, currentTraceIds, linkToTrace } from '@app/telemetry';
import { paymentNotFound } from '../get-payment/get-payment.service';
import { canonicalJson, IDEMPOTENCY_KEY_HEADER } from '../initiate-payment/idempotency-key';
import { isPaymentId, isVisibleTo, Payment } from '../payment';
import { refundRequested } from '../payment-events';
import { PaymentTimelineRepository } from '../payment-timeline.repository';
import { PaymentsRepository } from '../payments.repository';
import { decideRefundAmount, Refund } from '../refund';
import { RefundIdempotencyKeysRepository } from '../refund-idempotency-keys.repository';
import { RefundView, toRefundView } from '../refund.view';
import { RefundsRepository } from '../refunds.repository';
import { RequestRefundCommand } from './request-refund.dto';

export interface RefundRequested {
  refund: RefundView;
  /** True when this is the answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

@Injectable()
export class RequestRefundService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly payments: PaymentsRepository,
    private readonly refunds: RefundsRepository,
    private readonly timeline: PaymentTimelineRepository,
    private readonly keys: RefundIdempotencyKeysRepository,
  ) {}

  /**
   * Stores a PENDING refund, its timeline step and its RefundRequested event in one transaction;
   * the ledger holds the amount on the payee's account and answers. The payment's row is locked
   * first, so concurrent refunds of one payment are decided one after the other and their sum
   * never passes its amount (the database refuses it too).
   *
   * The payee's user or an operator may refund (403 REFUND.NOT_PAYEE for the payer); anyone who
   * may not see the payment gets 404, as for reads. Only a SUCCEEDED payment (409
   * PAYMENT.NOT_SUCCEEDED), never past what is still refundable (422 REFUND.EXCEEDS_PAYMENT).
   * With an Idempotency-Key (scoped to the caller), a retry of the same request gets the first
   * answer again and creates nothing; a different request with the key gets 422.
   *
   * The request's trace is the refund's trace, linked to the payment's.
   */
  async request(paymentId: string, command: RequestRefundCommand, caller: Caller, idempotencyKey?: string): Promise<RefundRequested> {
    if (!isPaymentId(paymentId)) throw paymentNotFound(paymentId);
    const hash = requestHash(paymentId, command);
    return this.unitOfWork.run(async () => {
      const [payment] = await this.payments.lockByIds([paymentId]);
      if (!payment || !isVisibleTo(payment, caller)) throw paymentNotFound(paymentId);
      if (!caller.isOperator && payment.payeeUserId !== caller.userId) throw notPayee(paymentId);
      // The refund's trace is this request's: linked to the payment's, and naming it for viewers without links (Zipkin).
      linkToTrace(payment.traceParent, { 'link.reason': 'refund of payment' });
      if (payment.traceId) annotate({ 'payment.trace_id': payment.traceId });
      if (idempotencyKey !== undefined) {
        const earlier = await this.keys.lock(caller.userId, idempotencyKey);
        if (earlier) {
          if (earlier.requestHash !== hash) throw keyReused();
          annotate({ 'refund.id': earlier.refundId, 'idempotency.replayed': true });
          return { refund: earlier.response, replayed: true };
        }
      }
      const refund = await this.create(payment, command, caller.userId);
      const view = toRefundView(refund);
      if (idempotencyKey !== undefined) {
        const claimed = await this.keys.claim({
          userId: caller.userId,
          key: idempotencyKey,
          requestHash: hash,
          response: view,
          refundId: refund.id,
        });
        // A concurrent request claimed the key for another payment (the same payment's would have waited for its row).
        if (!claimed) throw keyReused();
      }
      return { refund: view, replayed: false };
    });
  }

  private async create(payment: Payment, command: RequestRefundCommand, requestedBy: string): Promise<Refund> {
    const decision = decideRefundAmount(payment, command.amountPaise);
    if (!decision.ok) throw refusalOf(payment, decision.refusal, decision.refundablePaise);
    const now = new Date();
    const refund: Refund = {
      id: randomUUID(),
      paymentId: payment.id,
      amountPaise: decision.amountPaise,
      reason: command.reason,
      status: 'PENDING',
      failureReason: null,
      disputeId: null,
      requestedBy,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      traceId: currentTraceIds()?.traceId ?? null,
      traceParent: currentTraceHeaders().traceparent ?? null,
    };
    annotate({ 'payment.id': payment.id, 'refund.id': refund.id });
    const event = refundRequested(refund, payment);
    await this.refunds.insert([refund]);
    await this.payments.addToRefunds([{ paymentId: payment.id, committedPaise: refund.amountPaise, refundedPaise: 0 }]);
    await this.timeline.add([event]);
    await this.outbox.add([event]);
    return refund;
  }
}

/** What identifies a refund request for its Idempotency-Key: the payment, the amount in paise (none: none) and the reason. */
function requestHash(paymentId: string, command: RequestRefundCommand): string {
  const canonical = canonicalJson({ paymentId, amountPaise: command.amountPaise ?? null, reason: command.reason });
  return createHash('sha256').update(canonical).digest('hex');
}

function refusalOf(payment: Payment, refusal: 'PAYMENT.NOT_SUCCEEDED' | 'REFUND.EXCEEDS_PAYMENT', refundablePaise: number): DomainError {
  if (refusal === 'PAYMENT.NOT_SUCCEEDED')
    return conflict(refusal, `payment ${payment.id} is ${payment.status}: only a SUCCEEDED payment can be refunded`);
  return new DomainError(
    refusal,
    `amount: the refunds of payment ${payment.id} would pass its amount ${formatPaise(payment.amountPaise)}; ${formatPaise(refundablePaise)} is still refundable`,
    'UNPROCESSABLE',
    { error: 'Unprocessable Entity', refundable: formatPaise(refundablePaise) },
  );
}

const notPayee = (paymentId: string) =>
  forbidden('REFUND.NOT_PAYEE', `only the payee of payment ${paymentId} (or an operator) can refund it`);

const keyReused = () =>
  new DomainError(
    'IDEMPOTENCY_KEY.REUSED',
    `${IDEMPOTENCY_KEY_HEADER} was already used by you for a different request; use a new key for a new refund`,
    'UNPROCESSABLE',
    { error: 'Unprocessable Entity' },
  );
