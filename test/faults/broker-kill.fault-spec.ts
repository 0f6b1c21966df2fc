import { sleep } from './support/broker';
import { SentPayments } from './support/load';
import { outage, runScenario, SCENARIO_TIMEOUT_MS } from './support/scenario';
import { FaultSystem, SERVICES } from './support/system';

/*
 * kill -9 of the Kafka broker in the middle of a stream of payments, and a restart on the same data
 * and ports ten seconds later (FAULTS_BROKER_OUTAGE_S: another outage, e.g. 30). Payments keep being accepted meanwhile (they only need the
 * database); the outboxes hold the events until the broker is back, then every relay drains its
 * backlog and every consumer goes on where it had committed. PAYMENT_TIMEOUT_S is raised (300 s)
 * far above the outage, its recovery and the backlog's catch-up (about 45 s in all), so the outcome
 * of every payment is the one its content calls for, not EXPIRED; an outage of 300 s or more would
 * explain every payment sent before it was over expiring.
 */
jest.setTimeout(SCENARIO_TIMEOUT_MS);
const outageSeconds = Number(process.env.FAULTS_BROKER_OUTAGE_S ?? 10);

let system: FaultSystem;
const sent = new SentPayments();

beforeAll(async () => {
  system = await FaultSystem.start('faults_broker_kill', { FRAUD_BLOCKED_VPAS: 'mallory@okbank', PAYMENT_TIMEOUT_S: '300' });
}, SCENARIO_TIMEOUT_MS);

afterAll(async () => {
  await system?.stop();
});

describe(`kill -9 of the Kafka broker, restarted after ${outageSeconds} s`, () => {
  it('every service recovers by itself; every payment final once, every effect once', async () => {
    let explained = 0;
    await runScenario(system, sent, 'kill9-broker', {
      durationMs: 20000,
      fault: async (stream) => {
        await stream.whenSent(100);
        explained = await outage(system, stream, async () => {
          await system.broker.kill();
          await sleep(outageSeconds * 1000);
          await system.broker.restart();
          // No service is restarted: each must be ready again on its own (bounded).
          for (const service of SERVICES) await system.waitReady(service, 0, 120000);
        });
      },
      expiries: () => explained,
    });
  });
});
