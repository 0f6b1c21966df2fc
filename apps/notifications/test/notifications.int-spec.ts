import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AnyPaymentEvent, deadLetterTopic, Topics } from '@app/contracts';
import { eventually } from '../../../test/support/eventually';
import { testEnv } from '../../../test/support/env';
import { newOperator, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { NotificationsModule } from '../src/notifications.module';

const env = testEnv('notifications');
const kafka = new TestKafka(env);
let service: RunningService;
// Reads as an operator, who sees every notification (access.int-spec.ts: what users see).
let operator: TestUser;

const payment = (payer: string, payee: string) => ({
  payerVpa: payer,
  payeeVpa: payee,
  amountPaise: 12550,
  currency: 'INR' as const,
  items: [],
  createdAt: new Date().toISOString(),
  payerUserId: null,
  payeeUserId: null,
  completedAt: new Date().toISOString(),
});

async function notificationsOf(vpa: string) {
  const response = await fetch(`${service.url}/v1/notifications?vpa=${vpa}`, { headers: operator.headers });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data: Array<{ paymentId: string; type: string; recipientVpa: string }> };
  return body.data;
}

/**
 * What the service announced about a payment, once everything sent so far about it has been handled
 * and published: a poison message behind the payment's events (same key, so same partition)
 * reaching the dead-letter topic means they were applied; then an empty outbox and a marker behind
 * the announcements mean the topic holds all it will ever get about them.
 */
async function announced(paymentId: string): Promise<AnyPaymentEvent[]> {
  const barrier = `barrier-${randomUUID()}`;
  await kafka.send(Topics.PaymentEvents, [{ key: paymentId, value: barrier }]);
  await kafka.read(deadLetterTopic('notifications'), (m) => m.some((x) => x.value === barrier));
  const dataSource = service.app.get(DataSource);
  await eventually(async () => expect(await dataSource.query('SELECT 1 FROM outbox')).toEqual([]));
  const marker = `marker-${randomUUID()}`;
  await kafka.send(Topics.NotificationEvents, [{ key: paymentId, value: marker }]);
  const messages = await kafka.read(Topics.NotificationEvents, (m) => m.some((x) => x.value === marker));
  return messages.filter((m) => m.key === paymentId && m.value !== marker).map((m) => JSON.parse(m.value!) as AnyPaymentEvent);
}

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Notifications', description: '', module: NotificationsModule.forRoot(config) });
  operator = await newOperator();
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

describe('notifications service', () => {
  it('is ready when its database and Kafka are usable', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { status: string }).status).toBe('ok');
  });

  it('tells payer and payee once about a succeeded payment, however often it is delivered', async () => {
    const paymentId = randomUUID();
    const event = await kafka.publish('PaymentSucceeded', paymentId, payment('carol@okbank', 'dan@okbank'));
    // the same event again, and the same outcome under a new event id
    await kafka.send(Topics.PaymentEvents, [{ key: paymentId, value: JSON.stringify(event) }]);
    await kafka.publish('PaymentSucceeded', paymentId, payment('carol@okbank', 'dan@okbank'));

    await eventually(async () => {
      expect(await notificationsOf('carol@okbank')).toEqual([expect.objectContaining({ paymentId, type: 'PAYMENT_SENT' })]);
      expect(await notificationsOf('dan@okbank')).toEqual([expect.objectContaining({ paymentId, type: 'PAYMENT_RECEIVED' })]);
    });

    // announced once, listing both, however often the outcome arrived
    const events = await announced(paymentId);
    expect(events).toEqual([
      {
        eventId: expect.any(String),
        type: 'PaymentNotified',
        schemaVersion: 1,
        paymentId,
        occurredAt: expect.any(String),
        producer: 'notifications',
        payload: {
          notifications: [
            { recipientVpa: 'carol@okbank', type: 'PAYMENT_SENT' },
            { recipientVpa: 'dan@okbank', type: 'PAYMENT_RECEIVED' },
          ],
        },
      },
    ]);
  });

  it('tells only the payer about a failed payment', async () => {
    const paymentId = randomUUID();
    await kafka.publish('PaymentFailed', paymentId, { ...payment('erin@okbank', 'frank@okbank'), failureReason: 'FRAUD_REJECTED' });
    await eventually(async () => {
      expect(await notificationsOf('erin@okbank')).toEqual([expect.objectContaining({ paymentId, type: 'PAYMENT_FAILED' })]);
    });
    expect(await notificationsOf('frank@okbank')).toEqual([]);
    const events = await announced(paymentId);
    expect(events.map((e) => [e.type, e.payload])).toEqual([
      ['PaymentNotified', { notifications: [{ recipientVpa: 'erin@okbank', type: 'PAYMENT_FAILED' }] }],
    ]);
  });

  it('dead-letters a poison message and keeps consuming its partition', async () => {
    const paymentId = randomUUID();
    await kafka.send(Topics.PaymentEvents, [
      { key: paymentId, value: 'not json at all' },
      { key: paymentId, value: JSON.stringify({ eventId: randomUUID(), type: 'PaymentSucceeded' }) },
    ]);
    await kafka.publish('PaymentSucceeded', paymentId, payment('gina@okbank', 'hal@okbank'));

    await eventually(async () => expect(await notificationsOf('gina@okbank')).toHaveLength(1));
    const parked = await kafka.read(deadLetterTopic('notifications'), (m) => m.filter((x) => x.key === paymentId).length >= 2);
    const mine = parked.filter((m) => m.key === paymentId);
    expect(mine.map((m) => m.value)).toContain('not json at all');
    expect(mine[0].headers['dlq-error']).toMatch(/not JSON|envelope/);
    expect(mine[0].headers['dlq-origin-topic']).toBe(kafka.topic(Topics.PaymentEvents));
  });

  it('pages through a recipient’s notifications newest first, each exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const paymentId = randomUUID();
      ids.push(paymentId);
      await kafka.publish('PaymentFailed', paymentId, { ...payment('ivy@okbank', 'jay@okbank'), failureReason: 'OUT_OF_STOCK' });
    }
    await eventually(async () => expect(await notificationsOf('ivy@okbank')).toHaveLength(5));

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `vpa=ivy@okbank&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await (await fetch(`${service.url}/v1/notifications?${query}`, { headers: operator.headers })).json()) as {
        data: Array<{ paymentId: string; createdAt: string }>;
        nextCursor: string | null;
      };
      expect(body.data.length).toBeLessThanOrEqual(2);
      seen.push(...body.data.map((n) => n.paymentId));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('rejects a bad query with 400 naming the field', async () => {
    const response = await fetch(`${service.url}/v1/notifications?limit=500&vpa=x`, { headers: operator.headers });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string };
    expect(body.message).toContain('limit');
    expect(body.message).toContain('vpa');
  });
});
