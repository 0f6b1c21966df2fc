import { eventually } from '../support/eventually';
import { fundPayers } from './support/bank';
import { sleep } from './support/broker';
import { PayerPool } from './support/identities';
import { untilUsersAreKnown } from './support/invariants';
import { SentPayments, LoadStream, paymentIdOf, postPayment } from './support/load';
import { outage, runScenario, SCENARIO_TIMEOUT_MS } from './support/scenario';
import { FaultSystem, SERVICES } from './support/system';

/*
 * Processes dying under a stream of payments, on one system, one scenario after another, the
 * invariants checked after each:
 * - kill -9 of each consumer service, then a restart: what it had consumed but not committed is
 *   redelivered and deduplicated; what it had written to its outbox but not published goes out
 *   after the restart; for the ledger, a hold placed or posted before the kill is not placed or
 *   posted twice (the bank invariant, checked after every scenario, says so);
 * - kill -9 of the users service while people sign up and link VPAs: the tokens it issued stay
 *   valid (its key outlives it), retried sign-ups and links land once, and every VPA linked across
 *   the outage reaches payments (payments from them are accepted);
 * - a rolling restart with SIGTERM: each service finishes what it has in flight, leaves its
 *   consumer group and publishes its outbox before it exits;
 * - kill -9 of the payments service with requests in flight: clients retry with their
 *   idempotency keys and end with exactly one payment each;
 * - two instances of inventory, of fraud and of the ledger, one of each killed: the survivors take
 *   over the partitions.
 * Every payer is funded at the ledger first (one in 25 with less than its payment, which must fail
 * INSUFFICIENT_FUNDS), and every check includes the bank's: the money adds up (see support/bank.ts).
 * PAYMENT_TIMEOUT_S is 120 s, far longer than each fault (a restart takes seconds; a killed
 * instance's partitions move within the 30 s session timeout), so none explains an expiry; a test of
 * the check itself shows that it fails a system whose fraud does not answer in time.
 */
jest.setTimeout(SCENARIO_TIMEOUT_MS);

let system: FaultSystem;
const sent = new SentPayments();

beforeAll(async () => {
  system = await FaultSystem.start('faults_process_kills', { FRAUD_BLOCKED_VPAS: 'mallory@okbank', PAYMENT_TIMEOUT_S: '120' });
}, SCENARIO_TIMEOUT_MS);

afterAll(async () => {
  await system?.stop();
});

describe.each(['fraud', 'inventory', 'notifications', 'analytics', 'ledger'] as const)('kill -9 of %s mid-stream', (service) => {
  it('then restarted: every payment final once, every effect once', async () => {
    let explained = 0;
    await runScenario(system, sent, `kill9-${service}`, {
      fault: async (stream) => {
        await stream.whenSent(75);
        explained = await outage(system, stream, async () => {
          expect((await system.kill(service, 'SIGKILL')).signal).toBe('SIGKILL');
          await sleep(3000);
          await system.start(service);
        });
      },
      expiries: () => explained,
    });
  });
});

describe('kill -9 of users mid-stream, with people signing up meanwhile', () => {
  it('then restarted: its tokens stay valid, each sign-up and link lands once, payments from them are accepted', async () => {
    const scenario = 'kill9-users';
    const late = `${scenario}-late`;
    const jwks = async (): Promise<unknown> => (await fetch(`${system.url('users')}/.well-known/jwks.json`)).json();
    const keysBefore = await jwks();
    const retriedBefore = system.identities.retried;
    let signUps: Promise<PayerPool> | undefined;
    let explained = 0;
    await runScenario(system, sent, scenario, {
      fault: async (stream) => {
        await stream.whenSent(75);
        // Ten people signing up and linking five VPAs each, two at a time: some requests are in
        // flight at the kill, the others find the service down and retry until it is back.
        signUps = system.identities.payers(late, 50, 2);
        signUps.catch(() => undefined); // awaited below; a failure is reported there
        explained = await outage(system, stream, async () => {
          expect((await system.kill('users', 'SIGKILL')).signal).toBe('SIGKILL');
          await sleep(3000);
          await system.start('users');
        });
      },
      afterStream: async (stream, skus) => {
        // The VPAs linked across the outage, with tokens of the restarted service: once payments
        // knows them, fifty more payments, checked with the rest.
        const payers = await signUps!;
        await untilUsersAreKnown(system);
        await fundPayers(system, sent, payers);
        await new LoadStream({
          scenario,
          target: () => system.url('payments'),
          skus,
          sent,
          payers,
          count: 50,
          firstSeq: stream.sent,
        }).start().done;
      },
      expiries: () => explained,
    });
    const retried = system.identities.retried - retriedBefore;
    console.log(
      `[faults] kill9-users: ${retried} requests to users retried through the outage; 50 VPAs linked across it, 50 payments from them`,
    );
    expect(retried).toBeGreaterThan(0); // the kill did hit sign-ups
    expect(await jwks()).toEqual(keysBefore); // the same key: tokens from before the kill are still good
    const { rows } = await system.db.query<{ vpa: string; n: number }>(
      `SELECT vpa, count(*)::int AS n FROM users.vpas WHERE vpa LIKE $1 GROUP BY vpa ORDER BY vpa`,
      [`f-${late}-%`],
    );
    expect(rows.length).toBe(50);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]); // no link made twice
  });
});

describe('a rolling restart: each service stopped with SIGTERM and started again, one after another', () => {
  it('loses nothing: each stops gracefully, every payment final once, every effect once', async () => {
    let explained = 0;
    await runScenario(system, sent, 'rolling-restart', {
      durationMs: 30000,
      rate: 20,
      fault: async (stream) => {
        await stream.whenSent(40);
        // One outage from the first stop to the last start: a payment may wait on several services in turn.
        explained = await outage(system, stream, async () => {
          for (const service of ['fraud', 'inventory', 'notifications', 'analytics', 'ledger', 'disputes', 'users', 'payments'] as const) {
            const exit = await system.kill(service, 'SIGTERM');
            expect({ service, forced: exit.forced, signal: exit.signal ?? 'SIGTERM', code: exit.code ?? 0 }).toEqual({
              service,
              forced: false,
              signal: 'SIGTERM',
              code: 0,
            });
            await system.start(service);
          }
        });
      },
      expiries: () => explained,
    });
  });
});

describe('kill -9 of payments with requests in flight', () => {
  it('clients retrying with their idempotency keys end with exactly one payment each', async () => {
    const scenario = 'kill9-payments';
    let explained = 0;
    await runScenario(system, sent, scenario, {
      extraPayments: 40,
      fault: async (stream) => {
        await stream.whenSent(75);
        // Forty requests at once: when the first is answered, others are between commit and answer.
        await stream.burst(40);
        explained = await outage(system, stream, async () => {
          expect((await system.kill('payments', 'SIGKILL')).signal).toBe('SIGKILL');
          await sleep(2000);
          await system.start('payments');
        });
      },
      expiries: () => explained,
    });

    // The documented behaviour, for every request of the scenario (retried or not): the same key with
    // the same body answers the same 202 and the same payment, and creates nothing.
    const requests = sent.requests.filter((r) => r.scenario === scenario);
    expect(requests.filter((r) => r.attempts > 1).length).toBeGreaterThan(0); // the kill did hit requests
    const answers = await inBatches(requests, 10, (r) => postPayment(system.url('payments'), r));
    const differing = requests
      .map((r, i) => ({
        note: r.body.note,
        first: r.paymentId,
        again: answers[i].status === 202 ? paymentIdOf(answers[i].body) : answers[i].status,
      }))
      .filter((a) => a.again !== a.first);
    expect(differing).toEqual([]);
    const [{ n }] = (await system.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payments.payments')).rows;
    expect(n).toBe(sent.requests.length);
  });
});

describe('the check itself: fraud stopped for longer than PAYMENT_TIMEOUT_S', () => {
  it('fails the scenario: its payments all expire, and a fault shorter than the timeout explains none', async () => {
    const scenario = 'fraud-silent';
    const failedBefore = system.failed;
    for (const service of SERVICES) if (!system.isRunning(service)) await system.start(service); // whatever ran before
    // The shortest timeout that makes the point, for payments (whose sweeper expires) and this scenario only.
    await system.kill('payments', 'SIGTERM');
    await system.start('payments', { env: { PAYMENT_TIMEOUT_S: '2', EXPIRY_SWEEP_MS: '200' } });
    for (const instance of [0, 1]) if (system.isRunning('fraud', instance)) await system.kill('fraud', 'SIGTERM', instance);
    try {
      const check = runScenario(system, sent, scenario, {
        rate: 25,
        durationMs: 400, // ten plain payments
        fault: async (stream) => {
          await stream.done;
          const ids = stream.requests.map((r) => r.paymentId);
          // Fraud comes back only once every payment has expired, as a fraud that never answers would leave them.
          await eventually(
            async () => {
              const { rows } = await system.db.query<{ failure_reason: string | null }>(
                `SELECT failure_reason FROM payments.payments WHERE id = ANY($1::uuid[])`,
                [ids],
              );
              expect(rows.map((r) => r.failure_reason)).toEqual(ids.map(() => 'EXPIRED'));
            },
            60000,
            200,
          );
          await system.start('fraud');
        },
        expiries: 0, // what every scenario above states: its fault is far shorter than the timeout
      });
      // The only violation: everything else about an expired payment (release, notice, analytics) holds.
      const onlyExpiries = `${scenario}: 1 invariant violation\\(s\\):\n  ${scenario}: (\\d+) of its \\1 payments ended EXPIRED, its fault explains at most 0 `;
      await expect(check).rejects.toThrow(new RegExp(onlyExpiries));
    } finally {
      system.failed = failedBefore; // the failure was the expected one: no reason to keep the logs for it
      if (!system.isRunning('fraud')) await system.start('fraud');
      await system.kill('payments', 'SIGTERM');
      await system.start('payments');
    }
  });
});

describe('two instances of inventory, of fraud and of the ledger, one of each killed with kill -9', () => {
  it('the survivors take over the partitions: nothing lost, nothing doubled, the money adds up', async () => {
    await Promise.all((['inventory', 'fraud', 'ledger'] as const).map((service) => system.start(service, { instance: 1 })));
    const members = async (service: string) =>
      (await system.admin.describeGroups([`${system.env.KAFKA_TOPIC_PREFIX}${service}`])).groups[0].members.length;
    expect(await members('inventory')).toBe(2);
    expect(await members('fraud')).toBe(2);
    expect(await members('ledger')).toBe(2);

    await runScenario(system, sent, 'kill9-one-of-two', {
      fault: async (stream) => {
        await stream.whenSent(75);
        expect((await system.kill('inventory', 'SIGKILL', 0)).signal).toBe('SIGKILL');
        expect((await system.kill('fraud', 'SIGKILL', 1)).signal).toBe('SIGKILL');
        // Instance 1: the suite's deposits and reconciliation go to instance 0.
        expect((await system.kill('ledger', 'SIGKILL', 1)).signal).toBe('SIGKILL');
      },
      // The survivors take the partitions over within the 30 s session timeout, far below PAYMENT_TIMEOUT_S.
      expiries: 0,
    });
    expect(await members('inventory')).toBe(1);
    expect(await members('fraud')).toBe(1);
    expect(await members('ledger')).toBe(1);
  });
});

/** Runs `work` over the items, at most `size` at a time, answers in the items' order. */
async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}
