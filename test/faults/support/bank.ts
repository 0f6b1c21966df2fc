import { formatPaise } from '@app/contracts';
import type { Reconciliation } from '../../e2e/support/ledger';
import { eventually } from '../../support/eventually';
import { PayerPool } from './identities';
import { SentPayments } from './load';
import { FaultSystem } from './system';

/*
 * The bank of Jepsen's bank test, over the ledger service: the test deposits money into every
 * payer's account (and records how much), the stream moves it, and after each scenario the money
 * must add up — by the ledger's own reconciliation, by SQL over the payments' and the ledger's
 * tables, and against what the test itself deposited.
 */

/** What each payer is given: more than any payment of the stream (at most 900.99). */
export const FUNDED_PAISE = 100_000;
/** What one payer in 25 (the 13th) is given instead: less than any payment (at least 1.00), which fails INSUFFICIENT_FUNDS. */
export const UNDERFUNDED_PAISE = 50;
const underfunded = (index: number) => index % 25 === 12;

/** A request to the ledger as the operator; a network error answers status 0. */
async function ledgerCall(system: FaultSystem, method: string, path: string, body?: unknown) {
  const token = await system.identities.operator();
  try {
    const response = await fetch(`${system.url('ledger')}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, text, body: text ? (JSON.parse(text) as unknown) : undefined };
  } catch (error) {
    return { status: 0, text: (error as Error).message, body: undefined };
  }
}

/**
 * Waits until the ledger has an open account for each VPA (opened from the users service's
 * `VpaLinked`): an outcome, waited for (bounded).
 */
export async function untilAccountsOpen(system: FaultSystem, vpas: string[], timeoutMs = 60_000): Promise<void> {
  for (const vpa of vpas) {
    await eventually(
      async () => {
        const answer = await ledgerCall(system, 'GET', `/v1/ledger/accounts/${encodeURIComponent(vpa)}`);
        const status = (answer.body as { status?: string } | undefined)?.status;
        if (answer.status !== 200 || status !== 'OPEN') throw new Error(`account of ${vpa}: ${answer.status} ${answer.text.slice(0, 200)}`);
      },
      timeoutMs,
      200,
    );
  }
}

/**
 * An operator deposit into each payer's account, `concurrency` at a time, each with a reference of
 * its own (so a retry moves money once): FUNDED_PAISE, and UNDERFUNDED_PAISE for one payer in
 * 25 (its payment must fail). A deposit is sent again until it is answered 201 (or
 * 200: an earlier attempt had made it), as long as the account is not open yet (404), the ledger
 * does not answer or answers 5xx (bounded); any other answer fails. Recorded in `sent.deposits`.
 */
export async function fundPayers(system: FaultSystem, sent: SentPayments, pool: PayerPool, concurrency = 8): Promise<void> {
  const vpas = pool.parties.flatMap((p) => p.vpas);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < vpas.length; i = next++) {
      const vpa = vpas[i];
      const paise = underfunded(i) ? UNDERFUNDED_PAISE : FUNDED_PAISE;
      await deposit(system, sent, vpa, paise, `fault-funding-${vpa}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, vpas.length) }, worker));
}

async function deposit(system: FaultSystem, sent: SentPayments, vpa: string, paise: number, reference: string): Promise<void> {
  const answer = await eventually(
    async () => {
      const a = await ledgerCall(system, 'POST', `/v1/ledger/accounts/${encodeURIComponent(vpa)}/deposits`, {
        amount: formatPaise(paise),
        reference,
      });
      if (a.status === 0 || a.status === 404 || a.status >= 500)
        throw new Error(`deposit into ${vpa}: ${a.status} ${a.text.slice(0, 200)}`);
      return a;
    },
    60_000,
    200,
  );
  if (answer.status !== 201 && answer.status !== 200) throw new Error(`deposit into ${vpa}: ${answer.status} ${answer.text.slice(0, 300)}`);
  sent.deposits.set(vpa, paise);
}

interface BankRefund {
  id: string;
  payment_id: string;
  status: string;
  amount_paise: number;
  payer_vpa: string;
  payee_vpa: string;
}

/** What the bank check needs of a payment (payments' own row). */
export interface BankPayment {
  id: string;
  status: string;
  note: string;
  payer_vpa: string;
  payee_vpa: string;
  amount_paise: number;
}

export interface BankFigures {
  conserved: boolean;
  totalBalance: string;
  deposited: string;
  totalHeld: string;
  negative: number;
  orphanHolds: number;
  /** Payments whose status agrees with their hold and entries at the ledger (invariant 3). */
  agreeing: number;
  payments: number;
  /** Accounts whose balance is not what the test deposited plus and minus the succeeded payments and refunds. */
  accountsOff: number;
  /** Refunds whose status agrees with their hold and entries at the ledger, of all refunds. */
  refundsAgreeing: number;
  refunds: number;
  /** The ledger's holds by status (POSTED, VOIDED, REJECTED, PENDING). */
  holds: Record<string, number>;
}

/**
 * The bank invariant (money.md, Invariants 1–4), after the system drained: the ledger's
 * reconciliation (conserved, none negative, no orphan hold), every payment agreeing with its hold
 * and journal entries (SQL over both schemas), each account's balance and held amount recomputed
 * from the ledger's rows, and the sum of balances equal to what the test deposited (no withdrawals).
 * Answers the violations (each stable text, so a later scenario reports only new ones) and figures.
 */
export async function checkBank(system: FaultSystem, sent: SentPayments, payments: BankPayment[]) {
  const problems: string[] = [];
  const deposited = [...sent.deposits.values()].reduce((a, b) => a + b, 0);

  // 1, 2, 4 by the ledger itself.
  const answer = await ledgerCall(system, 'GET', '/v1/ledger/reconciliation');
  const rec = answer.body as Reconciliation;
  if (answer.status !== 200) {
    problems.push(`reconciliation answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  } else {
    if (!rec.conserved) problems.push(`reconciliation: not conserved: ${answer.text}`);
    if (rec.negativeAccounts.length) problems.push(`reconciliation: negative accounts ${rec.negativeAccounts.join(', ')}`);
    if (rec.orphanHolds.length) problems.push(`reconciliation: orphan holds ${rec.orphanHolds.join(', ')}`);
    // 1 against the test's own count: nothing else deposited, nothing withdrawn.
    const expected = { totalBalance: formatPaise(deposited), totalDeposits: formatPaise(deposited), totalWithdrawals: '0.00' };
    const actual = { totalBalance: rec.totalBalance, totalDeposits: rec.totalDeposits, totalWithdrawals: rec.totalWithdrawals };
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      problems.push(`reconciliation ${JSON.stringify(actual)}, the test deposited ${JSON.stringify(expected)}`);
    }
  }

  // 3. Every payment and every refund agrees with the ledger (holds and entries by transfer: the payment's id or the refund's).
  const allHolds = (
    await system.db.query<{ id: string; kind: string; payer_vpa: string; payee_vpa: string; amount_paise: number; status: string }>(
      'SELECT id, kind, payer_vpa, payee_vpa, amount_paise::int AS amount_paise, status FROM ledger.holds',
    )
  ).rows;
  const holds = new Map(allHolds.filter((h) => h.kind === 'PAYMENT').map((h) => [h.id, h]));
  const refundHolds = new Map(allHolds.filter((h) => h.kind === 'REFUND').map((h) => [h.id, h]));
  const entries = new Map<string, Array<{ vpa: string; kind: string; amount_paise: number }>>();
  const refundEntries = new Map<string, Array<{ vpa: string; kind: string; amount_paise: number }>>();
  for (const e of (
    await system.db.query<{ transfer_id: string; vpa: string; kind: string; amount_paise: number }>(
      'SELECT transfer_id, vpa, kind, amount_paise::int AS amount_paise FROM ledger.entries WHERE payment_id IS NOT NULL ORDER BY id',
    )
  ).rows) {
    const byTransfer = e.kind.startsWith('REFUND_') ? refundEntries : entries;
    byTransfer.set(e.transfer_id, [...(byTransfer.get(e.transfer_id) ?? []), e]);
  }
  let agreeing = 0;
  for (const p of payments) {
    const hold = holds.get(p.id);
    const posted = entries.get(p.id) ?? [];
    const payer = p.payer_vpa.toLowerCase();
    const payee = p.payee_vpa.toLowerCase();
    const side = (kind: string, vpa: string) => posted.filter((e) => e.kind === kind && e.vpa === vpa && e.amount_paise === p.amount_paise);
    const ok =
      p.status === 'SUCCEEDED'
        ? hold?.status === 'POSTED' &&
          hold.amount_paise === p.amount_paise &&
          posted.length === 2 &&
          side('PAYMENT_DEBIT', payer).length === 1 &&
          side('PAYMENT_CREDIT', payee).length === 1
        : p.status === 'FAILED'
          ? posted.length === 0 && hold?.status !== 'PENDING' && hold?.status !== 'POSTED'
          : posted.length === 0 && hold?.status !== 'POSTED'; // PENDING: at most one hold (its key), none posted
    if (ok) agreeing += 1;
    else {
      const entryText = posted.map((e) => `${e.kind} ${e.vpa} ${e.amount_paise}`).join(', ') || 'no entries';
      problems.push(
        `${p.status} payment ${p.note} ${p.id} of ${p.amount_paise} paise: the ledger has ${hold ? `a ${hold.status} hold of ${hold.amount_paise}` : 'no hold'}, ${entryText}`,
      );
    }
  }
  const known = new Set(payments.map((p) => p.id));
  for (const id of new Set([...holds.keys(), ...entries.keys()])) {
    if (!known.has(id)) problems.push(`the ledger has a hold or entries for ${id}, a payment payments does not know`);
  }

  // 3 for refunds: a SUCCEEDED refund posted once from the payee back to the payer, a FAILED one never.
  const refunds = (
    await system.db.query<BankRefund>(
      `SELECT r.id, r.payment_id, r.status, r.amount_paise::int AS amount_paise, p.payer_vpa, p.payee_vpa
         FROM payments.refunds r JOIN payments.payments p ON p.id = r.payment_id WHERE p.id = ANY($1::uuid[])`,
      [payments.map((p) => p.id)],
    )
  ).rows;
  let refundsAgreeing = 0;
  for (const r of refunds) {
    const hold = refundHolds.get(r.id);
    const posted = refundEntries.get(r.id) ?? [];
    const [payer, payee] = [r.payer_vpa.toLowerCase(), r.payee_vpa.toLowerCase()];
    const side = (kind: string, vpa: string) => posted.filter((e) => e.kind === kind && e.vpa === vpa && e.amount_paise === r.amount_paise);
    const ok =
      r.status === 'SUCCEEDED'
        ? hold?.status === 'POSTED' &&
          posted.length === 2 &&
          side('REFUND_DEBIT', payee).length === 1 &&
          side('REFUND_CREDIT', payer).length === 1
        : posted.length === 0 && hold?.status !== 'POSTED' && (r.status === 'PENDING' || hold?.status !== 'PENDING');
    if (ok) refundsAgreeing += 1;
    else
      problems.push(
        `${r.status} refund ${r.id} of ${r.amount_paise} paise (payment ${r.payment_id}): the ledger has ${hold ? `a ${hold.status} hold` : 'no hold'}, ${posted.length} entries`,
      );
  }
  const knownRefunds = new Set(refunds.map((r) => r.id));
  for (const id of new Set([...refundHolds.keys(), ...refundEntries.keys()])) {
    if (!knownRefunds.has(id)) problems.push(`the ledger has a refund hold or entries for ${id}, a refund payments does not know`);
  }

  // 1, 2, 4 recomputed from the rows, and each account against the test's deposits and the succeeded payments.
  const accounts = (
    await system.db.query<{ vpa: string; balance: string; held: string }>(
      'SELECT vpa, (credits_posted - debits_posted)::text AS balance, debits_pending::text AS held FROM ledger.accounts',
    )
  ).rows.map((a) => ({ vpa: a.vpa, balance: Number(a.balance), held: Number(a.held) }));
  const expectedBalance = new Map(sent.deposits);
  for (const p of payments.filter((x) => x.status === 'SUCCEEDED')) {
    const [payer, payee] = [p.payer_vpa.toLowerCase(), p.payee_vpa.toLowerCase()];
    expectedBalance.set(payer, (expectedBalance.get(payer) ?? 0) - p.amount_paise);
    expectedBalance.set(payee, (expectedBalance.get(payee) ?? 0) + p.amount_paise);
  }
  for (const r of refunds.filter((x) => x.status === 'SUCCEEDED')) {
    const [payer, payee] = [r.payer_vpa.toLowerCase(), r.payee_vpa.toLowerCase()];
    expectedBalance.set(payee, (expectedBalance.get(payee) ?? 0) - r.amount_paise);
    expectedBalance.set(payer, (expectedBalance.get(payer) ?? 0) + r.amount_paise);
  }
  const pendingHeld = new Map<string, number>();
  for (const h of allHolds) if (h.status === 'PENDING') pendingHeld.set(h.payer_vpa, (pendingHeld.get(h.payer_vpa) ?? 0) + h.amount_paise);
  let accountsOff = 0;
  for (const a of accounts) {
    if (a.balance < 0 || a.balance - a.held < 0) problems.push(`account ${a.vpa} is negative: balance ${a.balance}, held ${a.held}`);
    if (a.held !== (pendingHeld.get(a.vpa) ?? 0))
      problems.push(`account ${a.vpa} holds ${a.held}, its pending holds ${pendingHeld.get(a.vpa) ?? 0}`);
    const expected = expectedBalance.get(a.vpa) ?? 0;
    if (a.balance !== expected) {
      accountsOff += 1;
      problems.push(`account ${a.vpa} has a balance of ${a.balance}, deposits, succeeded payments and refunds make ${expected}`);
    }
  }
  const opened = new Set(accounts.map((a) => a.vpa));
  for (const vpa of sent.deposits.keys()) if (!opened.has(vpa)) problems.push(`the account of ${vpa}, funded by the test, is gone`);
  const sum = accounts.reduce((total, a) => total + a.balance, 0);
  if (sum !== deposited) problems.push(`the balances add up to ${formatPaise(sum)}, the test deposited ${formatPaise(deposited)}`);

  const figures: BankFigures = {
    conserved: answer.status === 200 && rec.conserved,
    totalBalance: formatPaise(sum),
    deposited: formatPaise(deposited),
    totalHeld: answer.status === 200 ? rec.totalHeld : '?',
    negative: answer.status === 200 ? rec.negativeAccounts.length : -1,
    orphanHolds: answer.status === 200 ? rec.orphanHolds.length : -1,
    agreeing,
    payments: payments.length,
    accountsOff,
    refundsAgreeing,
    refunds: refunds.length,
    holds: [...holds.values()].reduce<Record<string, number>>((n, h) => ({ ...n, [h.status]: (n[h.status] ?? 0) + 1 }), {}),
  };
  return { problems, figures };
}

/** One line: e.g. "bank: conserved true | balances 1000.00 = deposited 1000.00 − withdrawn 0.00 | …". */
export function bankLine(f: BankFigures): string {
  return (
    `bank: conserved ${f.conserved} | balances ${f.totalBalance} = deposited ${f.deposited} − withdrawn 0.00 | held ${f.totalHeld} | ` +
    `negative ${f.negative} | orphan holds ${f.orphanHolds} | agreeing with the ledger ${f.agreeing}/${f.payments} | ` +
    `refunds agreeing ${f.refundsAgreeing}/${f.refunds} | accounts off ${f.accountsOff} | ` +
    `holds ${['POSTED', 'VOIDED', 'REJECTED', 'PENDING'].map((status) => `${status.toLowerCase()} ${f.holds[status] ?? 0}`).join(', ')}`
  );
}
