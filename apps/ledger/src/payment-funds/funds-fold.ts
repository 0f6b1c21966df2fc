import { FundsRejectionReason } from '@app/contracts';
import { AccountBalances, availableOf, balanceOf } from '../account';
import { EntryDraft, EntryKind } from '../entry';
import { Hold, HoldKind } from '../hold';
import { indiaDay } from '../india-day';

/**
 * What the ledger needs of a payment or refund event, as a transfer of `amountPaise` from
 * `payerVpa` to `payeeVpa` (for a refund: from the payment's payee back to its payer). VPAs in
 * lowercase.
 */
export interface TransferFact {
  type: 'PaymentInitiated' | 'PaymentSucceeded' | 'PaymentFailed' | 'RefundRequested' | 'RefundSucceeded' | 'RefundFailed';
  /** The hold's id: the payment's id, or the refund's. */
  holdId: string;
  paymentId: string;
  payerVpa: string;
  payeeVpa: string;
  amountPaise: number;
  /** When the payment or refund was asked for: a payment's India day is the day its amount counts against the limit. */
  createdAt: Date;
}

/** The rows a chunk of events can touch, as loaded (and locked) before folding them. */
export interface FundsState {
  accounts: ReadonlyMap<string, AccountBalances>;
  /** By hold id. */
  holds: ReadonlyMap<string, Hold>;
  /** A payer's payment debits of one India day, by `spendKey(vpa, day)`; absent is zero. */
  spend: ReadonlyMap<string, number>;
}

export type FundsDecision =
  | { outcome: 'RESERVED' | 'REJECTED' | 'VOIDED' | 'MARKED_VOID'; hold: Hold }
  | { outcome: 'POSTED'; hold: Hold; entries: [EntryDraft, EntryDraft] }
  | { outcome: 'UNCHANGED'; why: string }
  /** The event contradicts what the ledger knows (a success without a hold): dead-letter it. */
  | { outcome: 'CONTRADICTION'; why: string };

export const spendKey = (vpa: string, day: string) => `${vpa} ${day}`;

type Phase = 'HOLD' | 'POST' | 'VOID';
const PHASES: Record<TransferFact['type'], [HoldKind, Phase]> = {
  PaymentInitiated: ['PAYMENT', 'HOLD'],
  PaymentSucceeded: ['PAYMENT', 'POST'],
  PaymentFailed: ['PAYMENT', 'VOID'],
  RefundRequested: ['REFUND', 'HOLD'],
  RefundSucceeded: ['REFUND', 'POST'],
  RefundFailed: ['REFUND', 'VOID'],
};
const ENTRY_KINDS: Record<HoldKind, [debit: EntryKind, credit: EntryKind]> = {
  PAYMENT: ['PAYMENT_DEBIT', 'PAYMENT_CREDIT'],
  REFUND: ['REFUND_DEBIT', 'REFUND_CREDIT'],
};

/**
 * Folds a chunk of payment and refund events, in order, into the state they start from: each
 * event sees what the ones before it did (two payments from one account in a chunk are decided one
 * after the other). Pure: returns the state after them and one decision per event; the caller
 * writes it. A refund is a transfer like a payment, with two differences: it does not count
 * against the daily limit (money goes back), and its entries are REFUND_DEBIT / REFUND_CREDIT.
 */
export function foldFunds(start: FundsState, facts: TransferFact[], dailyLimitPaise: number) {
  const state = { accounts: new Map(start.accounts), holds: new Map(start.holds), spend: new Map(start.spend) };
  const decisions = facts.map((fact) => decide(state, fact, dailyLimitPaise));
  return { state: state as FundsState, decisions };
}

type MutableState = { accounts: Map<string, AccountBalances>; holds: Map<string, Hold>; spend: Map<string, number> };

function decide(state: MutableState, fact: TransferFact, dailyLimitPaise: number): FundsDecision {
  const hold = state.holds.get(fact.holdId);
  const [kind, phase] = PHASES[fact.type];
  const what = `${kind.toLowerCase()} ${fact.holdId}`;
  switch (phase) {
    case 'HOLD':
      if (hold) return { outcome: 'UNCHANGED', why: `a ${hold.status} hold exists already` };
      return placeHold(state, holdOf(fact, kind), kind === 'PAYMENT' ? dailyLimitPaise : null);
    case 'POST':
      if (hold?.status === 'PENDING') return post(state, hold);
      if (hold?.status === 'POSTED') return { outcome: 'UNCHANGED', why: 'posted already' };
      return { outcome: 'CONTRADICTION', why: `${what} succeeded but its hold is ${hold?.status ?? 'missing'}` };
    case 'VOID':
      if (hold?.status === 'PENDING') return release(state, hold);
      if (hold) return { outcome: 'UNCHANGED', why: `the hold is ${hold.status}` };
      // The failure came first (out of order): a marker, so that the request holds nothing later.
      return record(state, 'MARKED_VOID', { ...holdOf(fact, kind), status: 'VOIDED' });
  }
}

/** Why a transfer cannot hold its amount, checked in this order; null when it can. No daily limit: null. */
export function rejectionOf(
  payer: AccountBalances | undefined,
  payee: AccountBalances | undefined,
  amountPaise: number,
  spentPaise: number,
  dailyLimitPaise: number | null,
): FundsRejectionReason | null {
  if (payer?.status !== 'OPEN' || payee?.status !== 'OPEN') return 'ACCOUNT_CLOSED';
  if (availableOf(payer) < amountPaise) return 'INSUFFICIENT_FUNDS';
  if (dailyLimitPaise !== null && spentPaise + amountPaise > dailyLimitPaise) return 'DAILY_LIMIT_EXCEEDED';
  return null;
}

function placeHold(state: MutableState, hold: Hold, dailyLimitPaise: number | null): FundsDecision {
  const payer = state.accounts.get(hold.payerVpa);
  const key = spendKey(hold.payerVpa, hold.day);
  const spent = state.spend.get(key) ?? 0;
  const reason = rejectionOf(payer, state.accounts.get(hold.payeeVpa), hold.amountPaise, spent, dailyLimitPaise);
  if (reason) return record(state, 'REJECTED', { ...hold, status: 'REJECTED', reason });
  state.accounts.set(payer!.vpa, { ...payer!, debitsPending: payer!.debitsPending + hold.amountPaise });
  if (hold.kind === 'PAYMENT') state.spend.set(key, spent + hold.amountPaise);
  return record(state, 'RESERVED', hold);
}

/** Posts a pending hold: the held amount becomes a debit, the payee's a credit. Also when either is closed now. */
function post(state: MutableState, hold: Hold): FundsDecision {
  const amount = hold.amountPaise;
  const payer = state.accounts.get(hold.payerVpa)!;
  const debited = { ...payer, debitsPending: payer.debitsPending - amount, debitsPosted: payer.debitsPosted + amount };
  state.accounts.set(payer.vpa, debited);
  const payee = state.accounts.get(hold.payeeVpa)!;
  const credited = { ...payee, creditsPosted: payee.creditsPosted + amount };
  state.accounts.set(payee.vpa, credited);
  const side = { amountPaise: amount, paymentId: hold.paymentId, reference: null, transferId: hold.id };
  const [debit, credit] = ENTRY_KINDS[hold.kind];
  const entries: [EntryDraft, EntryDraft] = [
    { ...side, vpa: payer.vpa, kind: debit, balanceAfter: balanceOf(debited) },
    { ...side, vpa: payee.vpa, kind: credit, balanceAfter: balanceOf(credited) },
  ];
  const posted: Hold = { ...hold, status: 'POSTED' };
  state.holds.set(hold.id, posted);
  return { outcome: 'POSTED', hold: posted, entries };
}

/** Voids a pending hold: the amount is available again and (a payment's) no longer counts against the day's limit. */
function release(state: MutableState, hold: Hold): FundsDecision {
  const payer = state.accounts.get(hold.payerVpa)!;
  state.accounts.set(payer.vpa, { ...payer, debitsPending: payer.debitsPending - hold.amountPaise });
  if (hold.kind === 'PAYMENT') {
    const key = spendKey(hold.payerVpa, hold.day);
    state.spend.set(key, (state.spend.get(key) ?? 0) - hold.amountPaise);
  }
  return record(state, 'VOIDED', { ...hold, status: 'VOIDED' });
}

function record(state: MutableState, outcome: 'RESERVED' | 'REJECTED' | 'VOIDED' | 'MARKED_VOID', hold: Hold): FundsDecision {
  state.holds.set(hold.id, hold);
  return { outcome, hold };
}

function holdOf(fact: TransferFact, kind: HoldKind): Hold {
  return {
    id: fact.holdId,
    kind,
    paymentId: fact.paymentId,
    payerVpa: fact.payerVpa,
    payeeVpa: fact.payeeVpa,
    amountPaise: fact.amountPaise,
    day: indiaDay(fact.createdAt),
    status: 'PENDING',
    reason: null,
  };
}
