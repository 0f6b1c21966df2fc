import { formatPaise } from '@app/contracts';

export const EntryKinds = ['DEPOSIT', 'WITHDRAWAL', 'PAYMENT_DEBIT', 'PAYMENT_CREDIT', 'REFUND_DEBIT', 'REFUND_CREDIT'] as const;
export type EntryKind = (typeof EntryKinds)[number];

/** Kinds that take money out of their account; the others put money in. */
export const DEBIT_KINDS: readonly EntryKind[] = ['WITHDRAWAL', 'PAYMENT_DEBIT', 'REFUND_DEBIT'];

/** One side of a posted transfer, before it is stored. */
export interface EntryDraft {
  vpa: string;
  kind: EntryKind;
  amountPaise: number;
  balanceAfter: number;
  paymentId: string | null;
  reference: string | null;
  transferId: string;
}

/** A journal entry as stored: append-only, newest has the highest id. */
export interface Entry extends EntryDraft {
  id: string;
  at: Date;
}

export interface EntryView {
  id: string;
  kind: EntryKind;
  amount: string;
  balanceAfter: string;
  paymentId: string | null;
  reference: string | null;
  at: string;
}

export function toEntryView(e: Entry): EntryView {
  return {
    id: e.id,
    kind: e.kind,
    amount: formatPaise(e.amountPaise),
    balanceAfter: formatPaise(e.balanceAfter),
    paymentId: e.paymentId,
    reference: e.reference,
    at: e.at.toISOString(),
  };
}
