import { DisputeReason, DomainEvent } from '@app/contracts';

/** A dispute as analytics counts it: OPEN (reviewed or not) until resolved or withdrawn. */
export interface DisputeFact {
  disputeId: string;
  paymentId: string;
  status: 'OPEN' | 'RESOLVED_FOR_PAYER' | 'RESOLVED_FOR_PAYEE' | 'WITHDRAWN';
  reason: DisputeReason;
  amountPaise: number;
}

export type DisputeEvent = DomainEvent<'DisputeOpened'> | DomainEvent<'DisputeResolved'> | DomainEvent<'DisputeWithdrawn'>;

export function disputeFact(event: DisputeEvent): DisputeFact {
  const { disputeId, amountPaise, reason } = event.payload;
  const base = { disputeId, paymentId: event.paymentId, amountPaise, reason };
  switch (event.type) {
    case 'DisputeOpened':
      return { ...base, status: 'OPEN' };
    case 'DisputeResolved':
      return { ...base, status: event.payload.outcome === 'PAYER' ? 'RESOLVED_FOR_PAYER' : 'RESOLVED_FOR_PAYEE' };
    case 'DisputeWithdrawn':
      return { ...base, status: 'WITHDRAWN' };
  }
}
