import { checkInvariants, Figures } from './invariants';
import { Ledger, LoadStream, seedProducts } from './load';
import { FaultSystem } from './system';

/** Fault-suite tests outlast Jest's default: a stream, a fault, a recovery and a drain. */
export const SCENARIO_TIMEOUT_MS = 8 * 60_000;

export interface ScenarioOptions {
  rate?: number;
  durationMs?: number;
  /** Where the stream sends payments (default: payments instance 0). */
  target?: () => string;
  /** Injects the fault while the stream runs, and recovers from it. */
  fault: (stream: LoadStream) => Promise<void>;
  /** Consumer groups of the test's own (e.g. a republisher) that must also have caught up. */
  extraGroups?: Array<[string, string[]]>;
  /** After the stream has ended and before the drain. */
  afterStream?: (stream: LoadStream) => Promise<void>;
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

/** One scenario: products of its own, a stream, the fault mid-stream, recovery, drain, invariants. */
export async function runScenario(system: FaultSystem, ledger: Ledger, name: string, options: ScenarioOptions): Promise<Figures> {
  try {
    return await run(system, ledger, name, options);
  } catch (error) {
    system.failed = true;
    throw error;
  }
}

async function run(system: FaultSystem, ledger: Ledger, name: string, options: ScenarioOptions): Promise<Figures> {
  const skus = await seedProducts(system.url('inventory'), ledger, name);
  const stream = new LoadStream({
    scenario: name,
    target: options.target ?? (() => system.url('payments')),
    skus,
    ledger,
    rate: options.rate,
    durationMs: options.durationMs,
  }).start();
  try {
    await options.fault(stream);
  } finally {
    await stream.done; // the stream's own bounded retries end it, whatever the fault did
  }
  await options.afterStream?.(stream);
  const explainedExpiries = typeof options.expiries === 'number' ? options.expiries : options.expiries();
  return checkInvariants(system, ledger, name, { extraGroups: options.extraGroups, explainedExpiries });
}
