import type { Caller } from '@app/auth';
import { formatPaise } from '@app/contracts';
import { ErrorKind } from '@app/platform';
import { TrackedPayment } from '../tracked-payment';

export interface FilingFacts {
  /** The payment as this service knows it; null when no event about it has arrived. */
  payment: TrackedPayment | null;
  /** What its SUCCEEDED refunds gave back. */
  refundedPaise: number;
  /** Whether it has a dispute that is not final. */
  hasOpenDispute: boolean;
}

export interface FilingRequest {
  paymentId: string;
  caller: Caller;
  /** The amount disputed; absent: what is not yet refunded. */
  amountPaise?: number;
  now: Date;
  /** DISPUTE_WINDOW_D, in milliseconds. */
  windowMs: number;
}

export type FilingDecision =
  | { outcome: 'FILE'; payment: TrackedPayment & { payerUserId: string }; amountPaise: number }
  | { outcome: 'REFUSE'; kind: ErrorKind; code: string; message: string; details?: Record<string, unknown> };

const refuse = (kind: ErrorKind, code: string, message: string, details?: Record<string, unknown>): FilingDecision => ({
  outcome: 'REFUSE',
  kind,
  code,
  message,
  ...(details ? { details } : {}),
});

/**
 * Whether the caller may open a dispute on a payment, and for how much (disputes.md):
 * - a payment this service does not know, or that the caller may not see, does not exist (404);
 * - only the payer's user files: the payee or an operator, who can see it, gets 403;
 * - the payment must have SUCCEEDED (422), no dispute of it may be open (409), it must have
 *   completed at most the window ago (422), and the amount, by default what is not yet refunded,
 *   may not pass what is not yet refunded (422).
 */
export function decideFiling({ payment, refundedPaise, hasOpenDispute }: FilingFacts, request: FilingRequest): FilingDecision {
  const { caller } = request;
  const party = payment && (payment.payerUserId === caller.userId || payment.payeeUserId === caller.userId);
  if (!payment || (!party && !caller.isOperator)) {
    return refuse('NOT_FOUND', 'PAYMENT.NOT_FOUND', `payment ${request.paymentId} not found`);
  }
  if (payment.payerUserId === null || payment.payerUserId !== caller.userId) {
    return refuse('FORBIDDEN', 'DISPUTE.NOT_PAYER', "only the payer's user may dispute a payment");
  }
  if (payment.status !== 'SUCCEEDED' || !payment.completedAt) {
    return refuse(
      'UNPROCESSABLE',
      'PAYMENT.NOT_SUCCEEDED',
      `payment ${payment.id} is ${payment.status}: only a SUCCEEDED payment can be disputed`,
    );
  }
  if (hasOpenDispute) {
    return refuse('CONFLICT', 'DISPUTE.ALREADY_OPEN', `payment ${payment.id} has a dispute that is not final yet`);
  }
  if (request.now.getTime() - payment.completedAt.getTime() > request.windowMs) {
    return refuse(
      'UNPROCESSABLE',
      'DISPUTE.WINDOW_CLOSED',
      `payment ${payment.id} completed more than ${request.windowMs / 86_400_000} days ago: it can no longer be disputed`,
    );
  }
  const refundable = Math.max(0, payment.amountPaise - refundedPaise);
  const amountPaise = request.amountPaise ?? refundable;
  if (amountPaise <= 0 || amountPaise > refundable) {
    return refuse(
      'UNPROCESSABLE',
      'DISPUTE.EXCEEDS_REFUNDABLE',
      refundable === 0
        ? `payment ${payment.id} is refunded in full: nothing is left to dispute`
        : `the amount passes what is not yet refunded of payment ${payment.id} (${formatPaise(refundable)})`,
      { refundable: formatPaise(refundable) },
    );
  }
  return { outcome: 'FILE', payment: { ...payment, payerUserId: payment.payerUserId }, amountPaise };
}
