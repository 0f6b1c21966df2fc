import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/*
 * Keeps the benchmark working: `bench/run.mjs --smoke` measures the three systems for a few seconds
 * each at a tiny rate, on this run's broker and database server. Only the shape of its result, that
 * every system finished payments and that its ledger and its disputes service agree with them are checked; never how fast (performance is judged from
 * `npm run bench` on a quiet machine, not from a test on a shared one).
 */
const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);
const SYSTEMS = ['ours', 'naive', 'raw'] as const;
/** Each system's seven services, and the users service beside it (every system's identity provider). */
const SERVICES = ['payments', 'fraud', 'notifications', 'inventory', 'analytics', 'ledger', 'disputes', 'users'];
/** Why the ledger refuses a payment: none of them may happen in a run (every payer is funded, the daily limit raised). */
const FUNDS_REASONS = ['INSUFFICIENT_FUNDS', 'DAILY_LIMIT_EXCEEDED', 'ACCOUNT_CLOSED'];

const isNumberOrNull = (value: unknown) => value === null || (typeof value === 'number' && Number.isFinite(value));

/** A system's figures in latest.json, as bench/README.md describes them (the tests check that they are). */
interface SystemFigures {
  completedPerSec: number;
  acceptedPerSec: number;
  e2eLatencyMs: { p50: number | null; p95: number | null; p99: number | null };
  httpLatencyMs: { p50: number | null; p99: number | null };
  cpuSeconds: Record<string, number>;
  peakRssMb: Record<string, number>;
  maxConsumerLag: number;
  series: unknown[];
  detail: {
    completed: number;
    crashed: unknown[];
    access: { noToken: number; notOwned: number; unknownPayee: number };
    outcomes: Record<string, number>;
    ledger: {
      funded: { payers: number; amountPaise: number; via: string; seconds: number };
      pending: number;
      succeeded: number;
      posted: number;
      failedNotVoided: number;
      conserved: boolean;
      heldMismatch: number;
      negativeAccounts: number;
      unsettled: number;
    };
    disputes: { payments: number; tracked: number; missing: number; differing: number };
  };
}
type BenchResult = Record<(typeof SYSTEMS)[number], SystemFigures> & {
  machine: Record<string, unknown>;
  tracing: { off: number | null; ratio10: number | null; always: number | null };
};

let outDir: string;
let result: BenchResult;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'payments-bench-smoke-test-'));
  const env = {
    ...process.env,
    DATABASE_URL: process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
  try {
    await run(process.execPath, [join(ROOT, 'bench/run.mjs'), '--smoke', '--out', outDir], {
      cwd: ROOT,
      env,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 15 * 60_000,
    });
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`bench/run.mjs --smoke failed: ${message}\n${stderr.slice(-6000)}\n${stdout.slice(-2000)}`, { cause: error });
  }
  result = JSON.parse(readFileSync(join(outDir, 'latest.json'), 'utf8')) as BenchResult;
}, 16 * 60_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('npm run bench -- --smoke', () => {
  it.each(SYSTEMS)('reports %s with every figure of the result format', (system) => {
    const r = result[system];
    expect(typeof r.completedPerSec).toBe('number');
    expect(typeof r.acceptedPerSec).toBe('number');
    for (const p of ['p50', 'p95', 'p99'] as const) expect(isNumberOrNull(r.e2eLatencyMs[p])).toBe(true);
    for (const p of ['p50', 'p99'] as const) expect(isNumberOrNull(r.httpLatencyMs[p])).toBe(true);
    for (const service of SERVICES) {
      expect(typeof r.cpuSeconds[service]).toBe('number');
      expect(typeof r.peakRssMb[service]).toBe('number');
    }
    expect(typeof r.maxConsumerLag).toBe('number');
    expect(Array.isArray(r.series)).toBe(true);
  });

  it.each(SYSTEMS)('%s brought payments to a final status', (system) => {
    expect(result[system].detail.completed).toBeGreaterThan(0);
    expect(result[system].detail.crashed).toEqual([]);
  });

  it.each(SYSTEMS)('%s does the access checks: no token, a VPA of someone else, a payee nobody holds', (system) => {
    expect(result[system].detail.access).toEqual({ noToken: 401, notOwned: 403, unknownPayee: 422 });
  });

  it.each(SYSTEMS)('%s funded every payer, and its ledger agrees with the payments', (system) => {
    const { ledger, outcomes } = result[system].detail;
    expect(ledger.funded.payers).toBeGreaterThan(0);
    expect(ledger.funded.via).toBe(system === 'ours' ? 'api' : 'sql');
    for (const reason of FUNDS_REASONS) expect(outcomes[reason]).toBeUndefined();
    // every SUCCEEDED payment posted (one debit of its payer, one credit of its payee), no FAILED one posted or held
    expect(ledger.succeeded).toBeGreaterThan(0);
    expect(ledger.posted).toBe(ledger.succeeded);
    expect(ledger).toMatchObject({ conserved: true, failedNotVoided: 0, heldMismatch: 0, negativeAccounts: 0, unsettled: 0 });
  });

  it.each(SYSTEMS)("%s follows every payment in the disputes service's projection, as the payments service holds it", (system) => {
    const { disputes } = result[system].detail;
    expect(disputes.payments).toBeGreaterThan(0);
    expect(disputes).toEqual({ payments: disputes.payments, tracked: disputes.payments, missing: 0, differing: 0 });
  });

  it('describes the machine and the tracing variants', () => {
    expect(result.machine).toEqual(
      expect.objectContaining({
        cpus: expect.any(Number),
        memoryGb: expect.any(Number),
        node: expect.any(String),
        kafka: expect.any(String),
        postgres: expect.any(String),
        date: expect.any(String),
      }),
    );
    expect(Object.keys(result.tracing)).toEqual(expect.arrayContaining(['off', 'ratio10', 'always']));
    for (const variant of ['off', 'ratio10', 'always'] as const) expect(isNumberOrNull(result.tracing[variant])).toBe(true);
  });

  it('draws the chart', () => {
    expect(readFileSync(join(outDir, 'latest.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });
});
