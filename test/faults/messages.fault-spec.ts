import { deadLetterTopic, Topics } from '@app/contracts';
import { CONSUMES, messageCount } from './support/invariants';
import { injectPoison, publishLateOutcomes, readTopic, Republisher } from './support/kafka-faults';
import { SentPayments } from './support/load';
import { outage, runScenario, SCENARIO_TIMEOUT_MS } from './support/scenario';
import { FaultSystem, SERVICES } from './support/system';

/*
 * Faults in what reaches the consumers, on one system under a stream of payments:
 * - the outbox relay (of fraud, payments, the ledger) killed after the broker acknowledged a batch
 *   and before its rows were deleted (FAILPOINT=relay-crash-after-send, libs/messaging's relay, so
 *   any service's): the rows go out again and consumers dedupe them (payments the ledger's
 *   FundsReserved / FundsRejected, the ledger payments' events);
 * - every event delivered twice, a batch delivered in reverse order (on payments.payment-events, the
 *   ledger's input, outcomes before initiations), and late contradicting outcomes for final payments;
 * - poison messages on every event topic: each consumer dead-letters exactly those and goes on.
 * PAYMENT_TIMEOUT_S is 120 s: far longer than any of these faults, so none explains an expiry.
 * Every check includes the bank's: the money adds up and every payment agrees with the ledger.
 */
jest.setTimeout(SCENARIO_TIMEOUT_MS);

let system: FaultSystem;
const sent = new SentPayments();

beforeAll(async () => {
  system = await FaultSystem.start('faults_messages', { FRAUD_BLOCKED_VPAS: 'mallory@okbank', PAYMENT_TIMEOUT_S: '120' });
}, SCENARIO_TIMEOUT_MS);

afterAll(async () => {
  await system?.stop();
});

describe.each(['fraud', 'payments', 'ledger'] as const)(
  'the %s relay killed after the broker acknowledged, before the rows were deleted',
  (service) => {
    it('publishes the rows again after the restart, and every consumer dedupes them', async () => {
      let left = 0;
      let explained = 0;
      await runScenario(system, sent, `relay-crash-${service}`, {
        fault: async (stream) => {
          await stream.whenSent(50);
          explained = await outage(system, stream, async () => {
            await system.kill(service, 'SIGTERM'); // a clean stop first: the crash comes from the failpoint alone
            await system.start(service, { env: { FAILPOINT: 'relay-crash-after-send' }, ready: false });
            const exit = await system.exited(service, 0, 120000);
            expect(exit.signal).toBe('SIGKILL'); // the process killed itself at the failpoint
            // What the broker acknowledged and the outbox still holds: it will be published twice.
            left = (await system.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${service}.outbox`)).rows[0].n;
            await system.start(service);
          });
        },
        expiries: () => explained,
      });
      expect(left).toBeGreaterThan(0);
      console.log(
        `[faults] relay-crash-${service}: ${left} outbox rows were acknowledged by the broker before the crash, published again after it`,
      );
    });
  },
);

describe('every event delivered twice, a batch in reverse order, late contradicting outcomes', () => {
  it('changes nothing: each effect happens once, final payments stay as they are', async () => {
    const republisher = new Republisher(system);
    await republisher.start();
    let reversed = new Map<string, number>();
    let reversedPayments: string[] = [];
    let late = 0;
    try {
      await runScenario(system, sent, 'duplicates-reordered', {
        fault: async (stream) => {
          await stream.whenSent(150);
          late = await publishLateOutcomes(system, 40);
        },
        afterStream: async (stream) => {
          // The last payments' events must have been read before they are reversed: wait until the
          // republisher has read every outcome of the stream (each comes after its payment's initiation).
          const ids = stream.requests.filter((r) => r.paymentId).map((r) => r.paymentId!);
          await republisher.sawOutcomesOf(ids, Number(system.env.PAYMENT_TIMEOUT_S) * 1000 + 60000);
          ({ byTopic: reversed, paymentIds: reversedPayments } = await republisher.republishReversed(30));
        },
        extraGroups: [republisher.group],
        expiries: 0, // every service keeps running
      });
    } finally {
      await republisher.stop();
    }
    const total = [...reversed.values()].reduce((a, b) => a + b, 0);
    const { rows } = await system.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM payments.payments WHERE id = ANY($1::uuid[]) GROUP BY status ORDER BY status',
      [reversedPayments],
    );
    const ledgerInput = (map: Map<string, number>) => map.get(Topics.PaymentEvents) ?? 0;
    console.log(
      `[faults] duplicates-reordered: ${republisher.copies} events published twice (${ledgerInput(republisher.copiesByTopic)} on ${Topics.PaymentEvents}, ` +
        `${republisher.copiesByTopic.get(Topics.LedgerEvents) ?? 0} on ${Topics.LedgerEvents}), ${total} once more in reverse order ` +
        `(${ledgerInput(reversed)} on ${Topics.PaymentEvents}, outcome before initiation, for payments ${rows.map((r) => `${r.status} ${r.n}`).join(', ')}), ` +
        `${late} late contradicting outcomes`,
    );
    expect(republisher.copies).toBeGreaterThan(1000);
    expect(total).toBeGreaterThan(30);
    expect(late).toBeGreaterThanOrEqual(40);
    // The ledger's input: every payment event twice, and a reversed batch of succeeded and failed payments' events.
    expect(ledgerInput(republisher.copiesByTopic)).toBeGreaterThan(500);
    expect(ledgerInput(reversed)).toBeGreaterThanOrEqual(2 * reversedPayments.length);
    expect(rows.map((r) => r.status)).toEqual(['FAILED', 'SUCCEEDED']);
  });
});

describe('poison messages on every event topic', () => {
  it('each consuming service dead-letters exactly those, with their origin, and keeps consuming', async () => {
    let injected = new Map<string, string[]>();
    await runScenario(system, sent, 'poison', {
      fault: async (stream) => {
        await stream.whenSent(100);
        injected = await injectPoison(system, sent);
      },
      expiries: 0, // every service keeps running
    });

    // The counts are among the invariants; here, what each dead-letter topic holds and why.
    for (const service of SERVICES) {
      const dlq = `${system.env.KAFKA_TOPIC_PREFIX}${deadLetterTopic(service)}`;
      const parked = await readTopic(system, dlq, await messageCount(system, dlq));
      const expected = CONSUMES[service].flatMap((t) => injected.get(t)!.map((value) => `${system.env.KAFKA_TOPIC_PREFIX}${t} ${value}`));
      expect(parked.map((m) => `${m.headers['dlq-origin-topic']} ${m.value}`).sort()).toEqual(expected.sort());
      for (const m of parked) {
        expect(m.headers).toMatchObject({
          'dlq-service': service,
          'dlq-error': expect.any(String),
          'dlq-origin-offset': expect.any(String),
        });
      }
    }
  });
});
