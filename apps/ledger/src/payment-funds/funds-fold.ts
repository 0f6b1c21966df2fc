import { FundsRejectionReason } from '@app/contracts';
import { AccountBalances, availableOf, balanceOf } from '../account';
import { EntryDraft } from '../entry';
import { Hold } from '../hold';
import { indiaDay } from '../india-day';

/** What the ledger needs of a payment event. VPAs in lowercase. */
export interface PaymentFact {
  type: 'PaymentInitiated' | 'PaymentSucceeded' | 'PaymentFailed';
  paymentId: string;
  payerVpa: string;
  payeeVpa: string;
  amountPaise: number;
  /** When the payment was made: its India day is the day its amount counts against the limit. */
  createdAt: Date;
}

/** The rows a chunk of payment events can touch, as loaded (and locked) before folding them. */
export interface FundsState {
  accounts: ReadonlyMap<string, AccountBalances>;
  holds: ReadonlyMap<string, Hold>;
  /** A payer's debits of one India day, by `spendKey(vpa, day)`; absent is zero. */
  spend: ReadonlyMap<string, number>;
}

export type FundsDecision =
  | { outcome: 'RESERVED' | 'REJECTED' | 'VOIDED' | 'MARKED_VOID'; hold: Hold }
  | { outcome: 'POSTED'; hold: Hold; entries: [EntryDraft, EntryDraft] }
  | { outcome: 'UNCHANGED'; why: string }
  /** The event contradicts what the ledger knows (a success without a hold): dead-letter it. */
  | { outcome: 'CONTRADICTION'; why: string };

export const spendKey = (vpa: string, day: string) => `${vpa} ${day}`;

/**
 * Folds a chunk of payment events, in order, into the state they start from: each event sees what
 * the ones before it did (two payments from one account in a chunk are decided one after the
 * other). Pure: returns the state after them and one decision per event; the caller writes it.
 */
export function foldFunds(start: FundsState, facts: PaymentFact[], dailyLimitPaise: number) {
  const state = { accounts: new Map(start.accounts), holds: new Map(start.holds), spend: new Map(start.spend) };
  const decisions = facts.map((fact) => decide(state, fact, dailyLimitPaise));
  return { state: state as FundsState, decisions };
}

type MutableState = { accounts: Map<string, AccountBalances>; holds: Map<string, Hold>; spend: Map<string, number> };

function decide(state: MutableState, fact: PaymentFact, dailyLimitPaise: number): FundsDecision {
  const hold = state.holds.get(fact.paymentId);
  switch (fact.type) {
    case 'PaymentInitiated':
      if (hold) return { outcome: 'UNCHANGED', why: `a ${hold.status} hold exists already` };
      return placeHold(state, fact, dailyLimitPaise);
    case 'PaymentSucceeded':
      if (hold?.status === 'PENDING') return post(state, hold);
      if (hold?.status === 'POSTED') return { outcome: 'UNCHANGED', why: 'posted already' };
      return { outcome: 'CONTRADICTION', why: `payment ${fact.paymentId} succeeded but its hold is ${hold?.status ?? 'missing'}` };
    case 'PaymentFailed':
      if (hold?.status === 'PENDING') return release(state, hold);
      if (hold) return { outcome: 'UNCHANGED', why: `the hold is ${hold.status}` };
      // The failure came first (out of order): a marker, so that the initiation holds nothing later.
      return record(state, 'MARKED_VOID', { ...holdOf(fact), status: 'VOIDED' });
  }
}

/** Why a payment cannot hold its amount, checked in this order; null when it can. */
export function rejectionOf(
  payer: AccountBalances | undefined,
  payee: AccountBalances | undefined,
  amountPaise: number,
  spentPaise: number,
  dailyLimitPaise: number,
): FundsRejectionReason | null {
  if (payer?.status !== 'OPEN' || payee?.status !== 'OPEN') return 'ACCOUNT_CLOSED';
  if (availableOf(payer) < amountPaise) return 'INSUFFICIENT_FUNDS';
  if (spentPaise + amountPaise > dailyLimitPaise) return 'DAILY_LIMIT_EXCEEDED';
  return null;
}

function placeHold(state: MutableState, fact: PaymentFact, dailyLimitPaise: number): FundsDecision {
  const hold = holdOf(fact);
  const payer = state.accounts.get(hold.payerVpa);
  const key = spendKey(hold.payerVpa, hold.day);
  const spent = state.spend.get(key) ?? 0;
  const reason = rejectionOf(payer, state.accounts.get(hold.payeeVpa), hold.amountPaise, spent, dailyLimitPaise);
  if (reason) return record(state, 'REJECTED', { ...hold, status: 'REJECTED', reason });
  state.accounts.set(payer!.vpa, { ...payer!, debitsPending: payer!.debitsPending + hold.amountPaise });
  state.spend.set(key, spent + hold.amountPaise);
  return record(state, 'RESERVED', hold);
}

/** Posts a pending hold: the payer's held amount becomes a debit, the payee's a credit. Also when either is closed now. */
function post(state: MutableState, hold: Hold): FundsDecision {
  const amount = hold.amountPaise;
  const payer = state.accounts.get(hold.payerVpa)!;
  const debited = { ...payer, debitsPending: payer.debitsPending - amount, debitsPosted: payer.debitsPosted + amount };
  state.accounts.set(payer.vpa, debited);
  const payee = state.accounts.get(hold.payeeVpa)!;
  const credited = { ...payee, creditsPosted: payee.creditsPosted + amount };
  state.accounts.set(payee.vpa, credited);
  const side = { amountPaise: amount, paymentId: hold.paymentId, reference: null, transferId: hold.paymentId };
  const entries: [EntryDraft, EntryDraft] = [
    { ...side, vpa: payer.vpa, kind: 'PAYMENT_DEBIT', balanceAfter: balanceOf(debited) },
    { ...side, vpa: payee.vpa, kind: 'PAYMENT_CREDIT', balanceAfter: balanceOf(credited) },
  ];
  const posted: Hold = { ...hold, status: 'POSTED' };
  state.holds.set(hold.paymentId, posted);
  return { outcome: 'POSTED', hold: posted, entries };
}

/** Voids a pending hold: the amount is available again and no longer counts against the day's limit. */
function release(state: MutableState, hold: Hold): FundsDecision {
  const payer = state.accounts.get(hold.payerVpa)!;
  state.accounts.set(payer.vpa, { ...payer, debitsPending: payer.debitsPending - hold.amountPaise });
  const key = spendKey(hold.payerVpa, hold.day);
  state.spend.set(key, (state.spend.get(key) ?? 0) - hold.amountPaise);
  return record(state, 'VOIDED', { ...hold, status: 'VOIDED' });
}

function record(state: MutableState, outcome: 'RESERVED' | 'REJECTED' | 'VOIDED' | 'MARKED_VOID', hold: Hold): FundsDecision {
  state.holds.set(hold.paymentId, hold);
  return { outcome, hold };
}

function holdOf(fact: PaymentFact): Hold {
  return {
    paymentId: fact.paymentId,
    payerVpa: fact.payerVpa,
    payeeVpa: fact.payeeVpa,
    amountPaise: fact.amountPaise,
    day: indiaDay(fact.createdAt),
    status: 'PENDING',
    reason: null,
  };
}
