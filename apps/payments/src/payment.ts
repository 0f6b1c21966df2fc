import type { Caller } from '@app/auth';
import { FailureReason, FraudReason, LineItem } from '@app/contracts';

export const PaymentStatuses = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
export type PaymentStatus = (typeof PaymentStatuses)[number];

/** Where the stock reservation stands: NOT_REQUIRED when the payment has no items. */
export const StockStatuses = ['NOT_REQUIRED', 'PENDING', 'RESERVED', 'REJECTED'] as const;
export type StockStatus = (typeof StockStatuses)[number];

/**
 * Where the payer's funds stand at the ledger: PENDING until it answers, then RESERVED (held) or
 * REJECTED. UNTRACKED: the payment was made before the ledger existed and never waited for it.
 */
export const FundsStatuses = ['UNTRACKED', 'PENDING', 'RESERVED', 'REJECTED'] as const;
export type FundsStatus = (typeof FundsStatuses)[number];

export type FraudDecision = 'APPROVED' | 'REJECTED';

/** FAIL_OPEN: no assessment came in time and FRAUD_FAILURE_MODE=open approved the payment without one. */
export type FraudSource = 'FRAUD_SERVICE' | 'FAIL_OPEN';

export interface FraudAssessment {
  decision: FraudDecision;
  score: number;
  reasons: FraudReason[];
  assessedAt: Date;
  source: FraudSource;
}

/** A payment as this service stores it: money in integer paise, VPAs lowercase. */
export interface Payment {
  id: string;
  status: PaymentStatus;
  failureReason: FailureReason | null;
  payerVpa: string;
  payeeVpa: string;
  /** The users who held the payer's and the payee's VPA when the payment was made; null for payments made before identities existed. */
  payerUserId: string | null;
  payeeUserId: string | null;
  amountPaise: number;
  currency: 'INR';
  note: string | null;
  items: LineItem[];
  stockStatus: StockStatus;
  fundsStatus: FundsStatus;
  fraud: FraudAssessment | null;
  /** What the payment's pending and succeeded refunds take (never above its amount). */
  refundsCommittedPaise: number;
  /** What its succeeded refunds gave back. */
  refundedPaise: number;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  /** The trace of the request that created the payment; null when tracing was off. */
  traceId: string | null;
  /** That request's W3C `traceparent`, which the payment's deadline continues; null when tracing was off. */
  traceParent: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path parameter can name a payment at all (anything else is simply not found). */
export function isPaymentId(id: string): boolean {
  return UUID.test(id);
}

/**
 * Whether a caller may see a payment: its payer's or its payee's user (as they were when it was
 * made, whatever has been unlinked since), or an operator. Anyone else is told it does not exist.
 */
export function isVisibleTo(payment: Payment, caller: Caller): boolean {
  return caller.isOperator || payment.payerUserId === caller.userId || payment.payeeUserId === caller.userId;
}
