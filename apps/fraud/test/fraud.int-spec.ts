import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AnyPaymentEvent, createEvent, DomainEvent, PayloadOf, Topics } from '@app/contracts';
import { KAFKA } from '@app/messaging';
import { eventually } from '../../../test/support/eventually';
import { testEnv } from '../../../test/support/env';
import { newOperator, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { FraudModule } from '../src/fraud.module';

const env = testEnv('fraud', {
  KAFKA_PARTITIONS: '6', // more partitions consumed at once: more chances for a velocity race to show
  FRAUD_BLOCKED_VPAS: 'mallory@okbank',
  FRAUD_VELOCITY_LIMIT: '10',
  FRAUD_VELOCITY_WINDOW_S: '60',
  FRAUD_HIGH_AMOUNT: '10000.00',
});
const kafka = new TestKafka(env);
let service: RunningService;
// Assessments are for operators (access.int-spec.ts: everyone else is refused).
let operator: TestUser;

interface AssessmentView {
  paymentId: string;
  decision: 'APPROVED' | 'REJECTED';
  score: number;
  reasons: string[];
  assessedAt: string;
}

function startFraud(): Promise<RunningService> {
  const config = loadConfig(env);
  return startServiceApp({ config, title: 'Fraud', description: '', module: FraudModule.forRoot(config) });
}

const initiated = (payerVpa: string, payeeVpa: string, amountPaise = 12_550): PayloadOf<'PaymentInitiated'> => ({
  payerVpa,
  payeeVpa,
  amountPaise,
  currency: 'INR',
  items: [],
  createdAt: new Date().toISOString(),
  payerUserId: null,
  payeeUserId: null,
});

async function getAssessment(paymentId: string) {
  const response = await fetch(`${service.url}/v1/fraud/assessments/${paymentId}`, { headers: operator.headers });
  return { status: response.status, body: (await response.json()) as AssessmentView };
}

const assessmentOf = (paymentId: string) =>
  eventually(async () => {
    const { status, body } = await getAssessment(paymentId);
    expect(status).toBe(200);
    return body;
  });

/** The FraudAssessed events on the fraud topic, read until every one of these payments has one. */
async function assessedEvents(paymentIds: string[]): Promise<Array<DomainEvent<'FraudAssessed'>>> {
  const wanted = new Set(paymentIds);
  const decode = (messages: Array<{ value: string | null }>) =>
    messages
      .map((m) => JSON.parse(m.value!) as AnyPaymentEvent)
      .filter((e): e is DomainEvent<'FraudAssessed'> => e.type === 'FraudAssessed' && wanted.has(e.paymentId));
  const messages = await kafka.read(Topics.FraudEvents, (m) => new Set(decode(m).map((e) => e.paymentId)).size === wanted.size);
  return decode(messages);
}

/**
 * Publishes n payments of one payer in one batch, so they are there at the same moment; their keys
 * differ, so they spread over the partitions, which are consumed in parallel.
 */
async function burst(payerVpa: string, n: number): Promise<string[]> {
  const events = Array.from({ length: n }, (_, i) =>
    createEvent('PaymentInitiated', randomUUID(), initiated(payerVpa, `payee${i}@okbank`), 'tests'),
  );
  await kafka.send(
    Topics.PaymentEvents,
    events.map((e) => ({ key: e.paymentId, value: JSON.stringify(e) })),
  );
  return events.map((e) => e.paymentId);
}

const velocityRejections = (events: Array<DomainEvent<'FraudAssessed'>>) => events.filter((e) => e.payload.reasons.includes('VELOCITY'));

beforeAll(async () => {
  service = await startFraud();
  operator = await newOperator();
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

describe('fraud service', () => {
  it('is ready when its database and Kafka are usable', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    expect(response.status).toBe(200);
  });

  it('approves a clean payment, announces it on the fraud topic and answers for it', async () => {
    const paymentId = randomUUID();
    await kafka.publish('PaymentInitiated', paymentId, initiated('alice@okbank', 'bob@okbank'));

    const events = (await kafka.eventsOf(Topics.FraudEvents, paymentId, (e) => e.length >= 1)) as Array<DomainEvent<'FraudAssessed'>>;
    expect(events).toEqual([
      expect.objectContaining({
        type: 'FraudAssessed',
        producer: 'fraud',
        paymentId,
        payload: { decision: 'APPROVED', score: 0, reasons: [], assessedAt: expect.any(String) },
      }),
    ]);
    const assessment = await assessmentOf(paymentId);
    expect(assessment).toEqual({ paymentId, decision: 'APPROVED', score: 0, reasons: [], assessedAt: events[0].payload.assessedAt });
  });

  it('answers 404 for a payment not assessed and for an id that is not a UUID', async () => {
    expect((await getAssessment(randomUUID())).status).toBe(404);
    expect((await getAssessment('not-a-uuid')).status).toBe(404);
  });

  it('rejects a blocklisted payer and a blocklisted payee with BLOCKLISTED', async () => {
    const fromMallory = randomUUID();
    const toMallory = randomUUID();
    await kafka.publish('PaymentInitiated', fromMallory, initiated('mallory@okbank', 'bob@okbank'));
    await kafka.publish('PaymentInitiated', toMallory, initiated('carol@okbank', 'Mallory@OKBANK'));

    const events = await assessedEvents([fromMallory, toMallory]);
    for (const event of events) {
      expect(event.payload).toMatchObject({ decision: 'REJECTED', reasons: ['BLOCKLISTED'] });
      expect(event.payload.score).toBeGreaterThan(0);
    }
    expect(await assessmentOf(toMallory)).toMatchObject({ decision: 'REJECTED', reasons: ['BLOCKLISTED'] });
  });

  it('rejects exactly the payments beyond the velocity limit when they arrive at once', async () => {
    const ids = await burst('dave@okbank', 12);
    const events = await assessedEvents(ids);
    expect(events).toHaveLength(12);
    expect(velocityRejections(events)).toHaveLength(2);
    expect(events.filter((e) => e.payload.decision === 'APPROVED')).toHaveLength(10);
  });

  it('stays exact with two fraud instances consuming the same payer’s payments in parallel', async () => {
    const second = await startFraud();
    try {
      // Wait until both instances share the group's partitions, so the burst really is split.
      const admin = service.app.get<Kafka>(KAFKA).admin();
      await admin.connect();
      try {
        const groupId = `${env.KAFKA_TOPIC_PREFIX}fraud`;
        await eventually(
          async () => {
            const { groups } = await admin.describeGroups([groupId]);
            expect(groups[0].state).toBe('Stable');
            expect(groups[0].members).toHaveLength(2);
          },
          60000,
          500,
        );
      } finally {
        await admin.disconnect();
      }

      const ids = await burst('erin@okbank', 15);
      const events = await assessedEvents(ids);
      expect(events).toHaveLength(15);
      expect(velocityRejections(events)).toHaveLength(5);
    } finally {
      await second.close();
    }
  });

  it('rejects a high amount to a new payee, and approves it once that payee has been paid', async () => {
    const first = randomUUID();
    await kafka.publish('PaymentInitiated', first, initiated('hank@okbank', 'ivan@okbank', 1_000_000));
    expect(await assessmentOf(first)).toMatchObject({ decision: 'REJECTED', reasons: ['HIGH_AMOUNT_NEW_PAYEE'] });

    const small = initiated('hank@okbank', 'ivan@okbank', 50_000);
    await kafka.publish('PaymentSucceeded', randomUUID(), { ...small, completedAt: new Date().toISOString() });
    const dataSource = service.app.get(DataSource);
    await eventually(async () => {
      const rows = await dataSource.query('SELECT 1 FROM known_payees WHERE payer_vpa = $1 AND payee_vpa = $2', [
        'hank@okbank',
        'ivan@okbank',
      ]);
      expect(rows).toHaveLength(1);
    });

    const second = randomUUID();
    await kafka.publish('PaymentInitiated', second, initiated('hank@okbank', 'ivan@okbank', 1_000_000));
    expect(await assessmentOf(second)).toMatchObject({ decision: 'APPROVED', score: 0, reasons: [] });
  });

  it('assesses a payment once, however often it is delivered', async () => {
    const paymentId = randomUUID();
    const event = await kafka.publish('PaymentInitiated', paymentId, initiated('judy@okbank', 'ken@okbank'));
    await assessedEvents([paymentId]);

    // The same event again, and the same payment under a new event id.
    await kafka.send(Topics.PaymentEvents, [{ key: paymentId, value: JSON.stringify(event) }]);
    await kafka.publish('PaymentInitiated', paymentId, event.payload);
    // A marker sent with the same key lands behind them on the same partition; once it is
    // announced, anything the duplicates produced would have been announced before it.
    const marker = { ...event, eventId: randomUUID(), paymentId: randomUUID() };
    await kafka.send(Topics.PaymentEvents, [{ key: paymentId, value: JSON.stringify(marker) }]);

    const events = await assessedEvents([paymentId, marker.paymentId]);
    expect(events.filter((e) => e.paymentId === paymentId)).toHaveLength(1);
  });
});
