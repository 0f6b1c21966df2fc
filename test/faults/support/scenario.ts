import { fundPayers, untilAccountsOpen } from './bank';
import { checkInvariants, Figures, untilUsersAreKnown } from './invariants';
import { SentPayments, LoadStream, PAYEES, ScenarioSkus, seedProducts } from './load';
import { FaultSystem } from './system';

/** Fault-suite tests outlast Jest's default: a stream, a fault, a recovery and a drain. */
export const SCENARIO_TIMEOUT_MS = 8 * 60_000;

export interface ScenarioOptions {
  rate?: number;
  durationMs?: number;
  /** Where the stream sends payments (default: payments instance 0). */
  target?: () => string;
  /** Payments the fault itself adds to the stream (`burst`): payers are registered for them too. */
  extraPayments?: number;
  /** Injects the fault while the stream runs, and recovers from it. */
  fault: (stream: LoadStream) => Promise<void>;
  /** Consumer groups of the test's own (e.g. a republisher) that must also have caught up. */
  extraGroups?: Array<[string, string[]]>;
  /** After the stream has ended and before the drain; `skus` are the scenario's products. */
  afterStream?: (stream: LoadStream, skus: ScenarioSkus) => Promise<void>;
  /**
   * How many of the scenario's payments its fault can explain ending EXPIRED: every scenario says
   * (0 for a fault far shorter than PAYMENT_TIMEOUT_S; see `outage`). Asked once the stream has ended.
   */
  expiries: number | (() => number);
}

/** The system's payment timeout, in ms (PAYMENT_TIMEOUT_S of its environment). */
const paymentTimeoutMs = (system: FaultSystem) => Number(system.env.PAYMENT_TIMEOUT_S) * 1000;

/**
 * Runs `work`, a time in which some part of the system cannot finish payments, and answers how many
 * expiries it explains. A payment normally ends within a second or two, so only an outage of at least
 * PAYMENT_TIMEOUT_S makes one wait that long; then any payment sent before the outage was over may
 * have, so the bound is all of them. A shorter outage explains none.
 */
export async function outage(system: FaultSystem, stream: LoadStream, work: () => Promise<void>): Promise<number> {
  const started = Date.now();
  await work();
  return Date.now() - started >= paymentTimeoutMs(system) ? stream.sent : 0;
}

/**
 * What a stream needs before it starts: the payees linked (with open accounts at the ledger), the
 * scenario's products set by the operator, and `count` payers signed up, signed in, known to
 * payments and the ledger (an outcome, waited for) and funded by an operator deposit each.
 */
export async function prepareStream(system: FaultSystem, sent: SentPayments, name: string, count: number) {
  const started = Date.now();
  await system.identities.ensurePayees(PAYEES);
  const skus = await seedProducts(system.url('inventory'), sent, name, await system.identities.operator());
  const payers = await system.identities.payers(name, count);
  const signedUp = Date.now();
  await untilUsersAreKnown(system);
  await untilAccountsOpen(system, PAYEES);
  const known = Date.now();
  await fundPayers(system, sent, payers);
  const s = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
  console.log(
    `[faults] ${name.padEnd(24)} ${payers.size} payers signed up in ${s(started, signedUp)}, known to payments and the ledger in ${s(signedUp, known)}, funded in ${s(known, Date.now())}`,
  );
  return { skus, payers };
}

/** One scenario: products of its own, payers, a stream, the fault mid-stream, recovery, drain, invariants. */
export async function runScenario(system: FaultSystem, sent: SentPayments, name: string, options: ScenarioOptions): Promise<Figures> {
  try {
    return await run(system, sent, name, options);
  } catch (error) {
    system.failed = true;
    throw error;
  }
}

async function run(system: FaultSystem, sent: SentPayments, name: string, options: ScenarioOptions): Promise<Figures> {
  const { rate = 25, durationMs = 10000 } = options;
  const { skus, payers } = await prepareStream(system, sent, name, Math.round((rate * durationMs) / 1000) + (options.extraPayments ?? 0));
  const stream = new LoadStream({
    scenario: name,
    target: options.target ?? (() => system.url('payments')),
    skus,
    sent,
    payers,
    rate,
    durationMs,
  }).start();
  try {
    await options.fault(stream);
  } finally {
    await stream.done; // the stream's own bounded retries end it, whatever the fault did
  }
  await options.afterStream?.(stream, skus);
  const explainedExpiries = typeof options.expiries === 'number' ? options.expiries : options.expiries();
  return checkInvariants(system, sent, name, { extraGroups: options.extraGroups, explainedExpiries });
}
