/** What a payment is to this service, as the payment events told it (never asked of the payments service). */
export const TrackedPaymentStatuses = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
export type TrackedPaymentStatus = (typeof TrackedPaymentStatuses)[number];

export interface TrackedPayment {
  id: string;
  payerVpa: string;
  payeeVpa: string;
  /** The users who held the payer's and the payee's VPA when it was made; null for payments made before identities existed. */
  payerUserId: string | null;
  payeeUserId: string | null;
  amountPaise: number;
  status: TrackedPaymentStatus;
  createdAt: Date;
  /** When it became final; null while PENDING. */
  completedAt: Date | null;
}

export const RefundStatuses = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
export type RefundStatus = (typeof RefundStatuses)[number];

/** A refund of a payment, as the refund events told it. */
export interface TrackedRefund {
  id: string;
  paymentId: string;
  /** The dispute whose resolution made it; null for a refund the payee or an operator asked for. */
  disputeId: string | null;
  amountPaise: number;
  status: RefundStatus;
  failureReason: string | null;
  requestedAt: Date;
  completedAt: Date | null;
}
