import { FundsRejectionReason } from '@app/contracts';

export const HoldStatuses = ['PENDING', 'POSTED', 'VOIDED', 'REJECTED'] as const;
export type HoldStatus = (typeof HoldStatuses)[number];

/**
 * What the ledger did with one payment's amount; one row per payment, so a redelivery finds it.
 * PENDING (funds held) becomes POSTED or VOIDED, once; REJECTED never held anything. A VOIDED row
 * also marks a payment whose failure arrived before its initiation: it will hold nothing.
 */
export interface Hold {
  paymentId: string;
  payerVpa: string;
  payeeVpa: string;
  amountPaise: number;
  /** The India calendar day of the payment, the day its amount counts against the daily limit. */
  day: string;
  status: HoldStatus;
  reason: FundsRejectionReason | null;
}
