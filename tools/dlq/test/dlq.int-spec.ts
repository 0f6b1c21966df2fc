import { randomUUID } from 'node:crypto';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { createEvent, deadLetterTopic, Topics } from '@app/contracts';
import { testEnv } from '../../../test/support/env';
import { TestKafka } from '../../../test/support/kafka';
import { listDeadLetters, run } from '../src/commands';
import { loadConfig } from '../src/config';

/*
 * The dlq commands on the real broker: two dead letters on the fraud service's dead-letter topic,
 * written the way libs/messaging parks them (original key, value and headers plus dlq-* headers).
 */
const env = testEnv('dlq');
const config = loadConfig(env);
const kafka = new TestKafka(env);
const admin: Admin = new Kafka({ clientId: 'dlq-test', brokers: config.brokers, logLevel: logLevel.NOTHING }).admin();
const DEAD_LETTERS = kafka.topic(deadLetterTopic('fraud'));
const ORIGIN = kafka.topic(Topics.PaymentEvents);

const paymentA = randomUUID();
const paymentB = randomUUID();
const eventA = createEvent(
  'PaymentInitiated',
  paymentA,
  {
    payerVpa: 'asha@okbank',
    payeeVpa: 'shop@upi',
    amountPaise: 12550,
    currency: 'INR',
    items: [],
    createdAt: new Date().toISOString(),
    payerUserId: null,
    payeeUserId: null,
  },
  'payments',
);
const poison = '{"type":"PaymentInitiated","paymentId":"oops"'; // cut short: not JSON

const dlqHeaders = (originPartition: number, originOffset: number, attempts: number, error: string) => ({
  'dlq-error': error,
  'dlq-origin-topic': ORIGIN,
  'dlq-origin-partition': String(originPartition),
  'dlq-origin-offset': String(originOffset),
  'dlq-service': 'fraud',
  'dlq-attempts': String(attempts),
  'dlq-failed-at': '2025-11-21T10:00:00.000Z',
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { env, out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
}

const toolGroups = async () => (await admin.listGroups()).groups.filter((g) => g.groupId.startsWith(`${config.topicPrefix}dlq-tool-`));

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [DEAD_LETTERS, ORIGIN].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
  });
  // both on partition 0, so their ids are fraud:0:0 and fraud:0:1
  await kafka.send(deadLetterTopic('fraud'), [
    {
      partition: 0,
      key: paymentA,
      value: JSON.stringify(eventA),
      headers: {
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        ...dlqHeaders(1, 7, 5, 'handler failed: deadlock detected'),
      },
    },
    { partition: 0, key: paymentB, value: poison, headers: dlqHeaders(2, 3, 1, 'message value is not JSON') },
  ]);
});

afterAll(async () => {
  await admin.deleteTopics({ topics: [DEAD_LETTERS, ORIGIN] }).catch(() => undefined);
  await admin.disconnect();
  await kafka.close();
});

describe('npm run dlq -- list', () => {
  it('reads every dead letter with its origin, event, attempts and error, and leaves no consumer group behind', async () => {
    const rows = await listDeadLetters(config);

    expect(rows).toEqual([
      {
        id: 'fraud:0:0',
        service: 'fraud',
        failedAt: '2025-11-21T10:00:00.000Z',
        originTopic: ORIGIN,
        originPartition: 1,
        originOffset: '7',
        eventType: 'PaymentInitiated',
        paymentId: paymentA,
        attempts: 5,
        error: 'handler failed: deadlock detected',
        replayedFrom: null,
      },
      {
        id: 'fraud:0:1',
        service: 'fraud',
        failedAt: '2025-11-21T10:00:00.000Z',
        originTopic: ORIGIN,
        originPartition: 2,
        originOffset: '3',
        eventType: null,
        paymentId: null,
        attempts: 1,
        error: 'message value is not JSON',
        replayedFrom: null,
      },
    ]);
    expect(await toolGroups()).toEqual([]);
  });

  it('prints a table, or JSON with --json', async () => {
    const table = capture();
    expect(await run(['list'], table.io)).toBe(0);
    const lines = table.out.join('\n').split('\n');
    expect(lines[0]).toMatch(/^ID\s+FAILED AT\s+ORIGIN/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^fraud:0:0\\s+2025-11-21T10:00:00.000Z\\s+${ORIGIN.replace(/\./g, '\\.')}\\[1\\]@7\\s+PaymentInitiated\\s+${paymentA}\\s+5\\s+handler failed`,
      ),
    );
    expect(lines[2]).toMatch(/^fraud:0:1\s+\S+\s+\S+\[2\]@3\s+-\s+-\s+1\s+message value is not JSON$/);

    const json = capture();
    expect(await run(['list', '--json', '--service', 'fraud'], json.io)).toBe(0);
    expect(JSON.parse(json.out.join('\n'))).toEqual(await listDeadLetters(config, 'fraud'));
  });

  it('says "no dead letters" for a service that has none', async () => {
    const none = capture();
    expect(await run(['list', '--service', 'inventory'], none.io)).toBe(0);
    expect(none.out).toEqual(['no dead letters']);
  });
});

describe('npm run dlq -- replay', () => {
  it('republishes one dead letter to its origin topic with its key, value and headers, minus the dlq-* ones', async () => {
    const { out, io } = capture();
    expect(await run(['replay', 'fraud:0:0'], io)).toBe(0);
    expect(out[0]).toMatch(new RegExp(`^replayed fraud:0:0 -> ${ORIGIN.replace(/\./g, '\\.')}\\[\\d\\]@\\d+$`));

    const copies = await kafka.read(Topics.PaymentEvents, (m) => m.some((x) => x.headers['dlq-replayed-from'] === 'fraud:0:0'));
    const copy = copies.find((x) => x.headers['dlq-replayed-from'] === 'fraud:0:0');
    expect(copy).toEqual({
      key: paymentA,
      value: JSON.stringify(eventA),
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'dlq-replayed-from': 'fraud:0:0' },
    });
  });

  it('refuses an id that is not there, saying so', async () => {
    for (const id of ['fraud:0:99', 'fraud:2:0', 'inventory:0:0']) {
      const { out, err, io } = capture();
      expect(await run(['replay', id], io)).toBe(1);
      expect(err.join('\n')).toContain(`no dead letter ${id}`);
      expect(out).toEqual([]);
    }
  });

  it('replays all of them, poison bytes as they were', async () => {
    const { out, io } = capture();
    expect(await run(['replay', 'all', '--service', 'fraud'], io)).toBe(0);
    expect(out.filter((line) => line.startsWith('replayed '))).toEqual([
      expect.stringMatching(/^replayed fraud:0:0 -> /),
      expect.stringMatching(/^replayed fraud:0:1 -> /),
    ]);
    expect(out.at(-1)).toBe('2 message(s) replayed');

    const copiesOf = (m: { headers: Record<string, string> }[], id: string) => m.filter((x) => x.headers['dlq-replayed-from'] === id);
    const messages = await kafka.read(
      Topics.PaymentEvents,
      (m) => copiesOf(m, 'fraud:0:0').length === 2 && copiesOf(m, 'fraud:0:1').length === 1,
    );
    expect(copiesOf(messages, 'fraud:0:0')).toHaveLength(2); // once by id, once by "all"
    expect(copiesOf(messages, 'fraud:0:1')).toEqual([{ key: paymentB, value: poison, headers: { 'dlq-replayed-from': 'fraud:0:1' } }]);
    // replaying reads the dead letters and leaves them where they are
    expect((await listDeadLetters(config, 'fraud')).map((row) => row.id)).toEqual(['fraud:0:0', 'fraud:0:1']);
  });
});
