import type { Caller } from '@app/auth';
import { DisputeOutcome, DisputeReason } from '@app/contracts';
import { DisputeStatus } from './dispute-status';
import { RefundStatus } from './tracked-payment';

/** Whom someone speaks or acts as on a dispute. */
export type DisputeRole = 'PAYER' | 'PAYEE' | 'OPERATOR';

/** The refund a dispute resolved for the payer made, once its events arrive. */
export interface DisputeRefund {
  id: string;
  status: RefundStatus;
  failureReason: string | null;
}

/** A dispute as this service stores it: money in integer paise. */
export interface Dispute {
  id: string;
  paymentId: string;
  payerVpa: string;
  payeeVpa: string;
  /** The payer's user, who opened it (a payment without one cannot be disputed). */
  payerUserId: string;
  payeeUserId: string | null;
  amountPaise: number;
  reason: DisputeReason;
  description: string;
  status: DisputeStatus;
  escalatedAt: Date | null;
  resolutionNote: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  refund: DisputeRefund | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path parameter can name a dispute at all (anything else is simply not found). */
export function isDisputeId(id: string): boolean {
  return UUID.test(id);
}

/**
 * Whom the caller is on a dispute: its payer's user, its payee's user (as they were when the
 * payment was made), an operator, or nobody (null: they are told it does not exist). A party who is
 * also an operator is the party.
 */
export function roleOf(dispute: Pick<Dispute, 'payerUserId' | 'payeeUserId'>, caller: Caller): DisputeRole | null {
  if (dispute.payerUserId === caller.userId) return 'PAYER';
  if (dispute.payeeUserId === caller.userId) return 'PAYEE';
  return caller.isOperator ? 'OPERATOR' : null;
}

export function outcomeOf(status: DisputeStatus): DisputeOutcome | null {
  if (status === 'RESOLVED_FOR_PAYER') return 'PAYER';
  if (status === 'RESOLVED_FOR_PAYEE') return 'PAYEE';
  return null;
}

/** One status change: its opening (from null), a review, a resolution, a withdrawal. */
export interface HistoryEntry {
  disputeId: string;
  from: DisputeStatus | null;
  to: DisputeStatus;
  changedBy: string;
  changedAt: Date;
}

export interface DisputeComment {
  id: string;
  disputeId: string;
  authorUserId: string;
  authorRole: DisputeRole;
  text: string;
  createdAt: Date;
}
