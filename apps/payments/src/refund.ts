import { RefundFailureReason } from '@app/contracts';
import type { Payment } from './payment';

export const RefundStatuses = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
export type RefundStatus = (typeof RefundStatuses)[number];

/** A refund as this service stores it: a transfer of `amountPaise` back from the payment's payee to its payer. */
export interface Refund {
  id: string;
  paymentId: string;
  amountPaise: number;
  reason: string;
  status: RefundStatus;
  failureReason: RefundFailureReason | null;
  /** The dispute whose resolution asked for it; null when the payee or an operator did. */
  disputeId: string | null;
  /** The user who asked: the payee's user or an operator (for a dispute's refund, the operator who resolved it). */
  requestedBy: string;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  /** The trace of the request (or of the dispute's resolution) that made the refund; null when tracing was off. */
  traceId: string | null;
  traceParent: string | null;
}

/** What is still refundable of a payment: its amount less what its pending and succeeded refunds take. */
export function refundableOf(payment: Pick<Payment, 'amountPaise' | 'refundsCommittedPaise'>): number {
  return payment.amountPaise - payment.refundsCommittedPaise;
}

export type RefundAmountDecision =
  { ok: true; amountPaise: number } | { ok: false; refusal: 'PAYMENT.NOT_SUCCEEDED' | 'REFUND.EXCEEDS_PAYMENT'; refundablePaise: number };

/**
 * Whether a refund of `requestedPaise` (undefined: all that is still refundable) may be made of a
 * payment now: only of a SUCCEEDED payment, and never past its amount counting the refunds pending
 * and succeeded (also when nothing at all is left).
 */
export function decideRefundAmount(
  payment: Pick<Payment, 'status' | 'amountPaise' | 'refundsCommittedPaise'>,
  requestedPaise: number | undefined,
): RefundAmountDecision {
  const refundablePaise = refundableOf(payment);
  if (payment.status !== 'SUCCEEDED') return { ok: false, refusal: 'PAYMENT.NOT_SUCCEEDED', refundablePaise };
  const amountPaise = requestedPaise ?? refundablePaise;
  if (amountPaise <= 0 || amountPaise > refundablePaise) return { ok: false, refusal: 'REFUND.EXCEEDS_PAYMENT', refundablePaise };
  return { ok: true, amountPaise };
}

/** What the ledger says about a refund's money, or its deadline passing. */
export type RefundFact =
  { kind: 'FUNDS_RESERVED' } | { kind: 'FUNDS_REJECTED'; reason: 'INSUFFICIENT_FUNDS' | 'ACCOUNT_CLOSED' } | { kind: 'EXPIRED' };

/**
 * The refund's status after a fact; null when it changes nothing. Forward-only: the first answer
 * decides a PENDING refund (the payee's funds held: SUCCEEDED, and the ledger posts them); a final
 * refund never changes.
 */
export function applyRefundFact(
  status: RefundStatus,
  fact: RefundFact,
): { status: 'SUCCEEDED' | 'FAILED'; failureReason: RefundFailureReason | null } | null {
  if (status !== 'PENDING') return null;
  switch (fact.kind) {
    case 'FUNDS_RESERVED':
      return { status: 'SUCCEEDED', failureReason: null };
    case 'FUNDS_REJECTED':
      return { status: 'FAILED', failureReason: fact.reason };
    case 'EXPIRED':
      return { status: 'FAILED', failureReason: 'EXPIRED' };
  }
}
