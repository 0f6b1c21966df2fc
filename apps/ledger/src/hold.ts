import { FundsRejectionReason } from '@app/contracts';

export const HoldStatuses = ['PENDING', 'POSTED', 'VOIDED', 'REJECTED'] as const;
export type HoldStatus = (typeof HoldStatuses)[number];

/** What a hold is for: a payment's amount (payer → payee), or a refund's (the payment's payee → its payer). */
export type HoldKind = 'PAYMENT' | 'REFUND';

/**
 * What the ledger did with one transfer's amount; one row per payment and per refund, so a
 * redelivery finds it. PENDING (funds held) becomes POSTED or VOIDED, once; REJECTED never held
 * anything. A VOIDED row also marks a transfer whose failure arrived before its request: it will
 * hold nothing.
 */
export interface Hold {
  /** The payment's id for a payment's hold, the refund's id for a refund's. */
  id: string;
  kind: HoldKind;
  paymentId: string;
  /** The account the amount is held on and debited from: the payer of a payment, the payee of a refund. */
  payerVpa: string;
  /** The account credited when the hold is posted. */
  payeeVpa: string;
  amountPaise: number;
  /** The India calendar day of the payment or refund; a payment's amount counts against that day's limit. */
  day: string;
  status: HoldStatus;
  reason: FundsRejectionReason | null;
}
