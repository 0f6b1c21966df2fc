import { DomainEvent, RefundFailureReason } from '@app/contracts';

/** A refund as analytics counts it: one row per refund. */
export interface RefundFact {
  refundId: string;
  paymentId: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  failureReason: RefundFailureReason | null;
  amountPaise: number;
  disputeId: string | null;
  requestedAt: string;
  /** Null while PENDING. */
  completedAt: string | null;
}

export type RefundEvent = DomainEvent<'RefundRequested'> | DomainEvent<'RefundSucceeded'> | DomainEvent<'RefundFailed'>;

export function refundFact(event: RefundEvent): RefundFact {
  const { refundId, amountPaise, disputeId, requestedAt } = event.payload;
  const base = { refundId, paymentId: event.paymentId, amountPaise, disputeId, requestedAt };
  switch (event.type) {
    case 'RefundRequested':
      return { ...base, status: 'PENDING', failureReason: null, completedAt: null };
    case 'RefundSucceeded':
      return { ...base, status: 'SUCCEEDED', failureReason: null, completedAt: event.payload.completedAt };
    case 'RefundFailed':
      return { ...base, status: 'FAILED', failureReason: event.payload.failureReason, completedAt: event.payload.completedAt };
  }
}
