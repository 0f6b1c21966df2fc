import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createEvent, deadLetterTopic, EventCatalog, EventType, PayloadOf, Topic, Topics } from '@app/contracts';
import { eventually } from '../../../test/support/eventually';
import { testEnv } from '../../../test/support/env';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { TimelineView } from '../src/get-timeline/timeline.view';
import { PaymentView } from '../src/payment.view';
import { PaymentsModule } from '../src/payments.module';
import { PaymentsApi } from './support/payments-api';

/*
 * GET /v1/payments/:id/timeline: what the payments service itself did, and what the other services
 * announced about the payment (published here by hand, as fraud, inventory, notifications and
 * analytics would), in order, with the link to the payment's trace.
 */
// Expiry has its own tests (expiry.int-spec.ts): here a payment waits for as long as a test needs.
const env = testEnv('payments-timeline', {
  TRACE_VIEWER_URL: 'http://viewer.test/traces/{traceId}?from=payments',
  PAYMENT_TIMEOUT_S: '3600',
});
const kafka = new TestKafka(env);
let service: RunningService;
let api: PaymentsApi;

const approved: PayloadOf<'FraudAssessed'> = { decision: 'APPROVED', score: 5, reasons: [], assessedAt: new Date().toISOString() };
const rejected: PayloadOf<'FraudAssessed'> = {
  decision: 'REJECTED',
  score: 90,
  reasons: ['BLOCKLISTED'],
  assessedAt: new Date().toISOString(),
};
const items = [{ sku: 'SKU-1', quantity: 2 }];

/** A payment from `payer` to `payee`, made by the user holding `payer` (each VPA is linked to a user of its own first). */
const initiate = (payer: string, payee: string, extra: Record<string, unknown> = {}) =>
  api.initiate({ payerVpa: payer, payeeVpa: payee, amount: '125.50', currency: 'INR', ...extra });

/** A payment, read by its payer's user. */
const getPayment = async (payment: PaymentView) => api.get(payment.id, await api.holders.of(payment.payerVpa));

/** A payment's timeline, read by its payer's user. */
const timelineOf = async (payment: PaymentView) => api.timelineOf(payment.id, await api.holders.of(payment.payerVpa));

/** An event from another service, stamped at a given time. */
async function publishAt<T extends EventType>(type: T, paymentId: string, payload: PayloadOf<T>, producer: string, at: Date) {
  const event = createEvent(type, paymentId, payload, producer, at);
  await kafka.send(EventCatalog[type].topic, [{ key: paymentId, value: JSON.stringify(event) }]);
  return event;
}

/** A time strictly after an event's (so a step is never in the same millisecond as the one it follows). */
const after = (event: { occurredAt: string }) => new Date(Date.parse(event.occurredAt) + 1);

/**
 * Waits until the service has handled everything sent so far about a payment on these topics: a
 * poison message behind them, with the same key (so on the same partition), reaching the
 * dead-letter topic means the earlier ones were applied.
 */
async function settled(paymentId: string, topics: Topic[]): Promise<void> {
  const barrier = `barrier-${randomUUID()}`;
  for (const topic of topics) await kafka.send(topic, [{ key: paymentId, value: barrier }]);
  await kafka.read(deadLetterTopic('payments'), (m) => m.filter((x) => x.value === barrier).length === topics.length);
}

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Payments', description: '', module: PaymentsModule.forRoot(config) });
  api = new PaymentsApi(service, kafka);
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

describe('the timeline of a payment', () => {
  it('shows every step across the services, in order, with its service, time and outcome', async () => {
    const payment = await initiate('lena@okbank', 'max@okbank', { items });
    const money = { payerVpa: 'lena@okbank', payeeVpa: 'max@okbank', amountPaise: 12550 };
    const assessed = await kafka.publish('FraudAssessed', payment.id, approved, 'fraud');
    const funded = await publishAt('FundsReserved', payment.id, { ...money, reservedAt: assessed.occurredAt }, 'ledger', after(assessed));
    const reserved = await publishAt('StockReserved', payment.id, { items }, 'inventory', after(funded));
    const done = await eventually(async () => {
      const current = await getPayment(payment);
      expect(current.status).toBe('SUCCEEDED');
      return current;
    });
    // what inventory, notifications and analytics do with the outcome
    const committed = await publishAt('StockCommitted', payment.id, { items }, 'inventory', new Date(Date.parse(done.completedAt!) + 1));
    const posted = await publishAt('FundsSettled', payment.id, { ...money, settledAt: committed.occurredAt }, 'ledger', after(committed));
    const notified = await publishAt(
      'PaymentNotified',
      payment.id,
      {
        notifications: [
          { recipientVpa: 'lena@okbank', type: 'PAYMENT_SENT' },
          { recipientVpa: 'max@okbank', type: 'PAYMENT_RECEIVED' },
        ],
      },
      'notifications',
      after(posted),
    );
    const recorded = await publishAt('PaymentRecorded', payment.id, { status: 'SUCCEEDED', latencyMs: 40 }, 'analytics', after(notified));

    const expected: TimelineView = {
      paymentId: payment.id,
      traceId: null, // no tracing SDK runs in this process
      traceUrl: null,
      steps: [
        { step: 'initiated', service: 'payments', at: payment.createdAt, outcome: '125.50 INR' },
        { step: 'assessed', service: 'fraud', at: assessed.occurredAt, outcome: 'APPROVED' },
        { step: 'funds reserved', service: 'ledger', at: funded.occurredAt, outcome: '125.50 held on lena@okbank' },
        { step: 'reserved', service: 'inventory', at: reserved.occurredAt, outcome: '2 × SKU-1' },
        { step: 'succeeded', service: 'payments', at: done.completedAt!, outcome: null },
        { step: 'committed', service: 'inventory', at: committed.occurredAt, outcome: '2 × SKU-1' },
        { step: 'funds settled', service: 'ledger', at: posted.occurredAt, outcome: '125.50 lena@okbank → max@okbank' },
        {
          step: 'notified',
          service: 'notifications',
          at: notified.occurredAt,
          outcome: 'PAYMENT_SENT lena@okbank, PAYMENT_RECEIVED max@okbank',
        },
        { step: 'recorded', service: 'analytics', at: recorded.occurredAt, outcome: 'SUCCEEDED in 40 ms' },
      ],
    };
    await eventually(async () => expect(await timelineOf(payment)).toEqual(expected));

    // a redelivered event adds no step
    for (const event of [assessed, funded, committed, posted, notified]) {
      await kafka.send(EventCatalog[event.type].topic, [{ key: payment.id, value: JSON.stringify(event) }]);
    }
    await settled(payment.id, [
      Topics.FraudEvents,
      Topics.LedgerEvents,
      Topics.InventoryEvents,
      Topics.NotificationEvents,
      Topics.AnalyticsEvents,
    ]);
    expect(await timelineOf(payment)).toEqual(expected);
  });

  it('shows a failure, its compensation, and a fact that came too late to change the payment', async () => {
    const payment = await initiate('nina@okbank', 'oscar@okbank', { items });
    const reserved = await kafka.publish('StockReserved', payment.id, { items }, 'inventory');
    const assessed = await publishAt('FraudAssessed', payment.id, rejected, 'fraud', after(reserved));
    const failed = await eventually(async () => {
      const current = await getPayment(payment);
      expect(current.status).toBe('FAILED');
      return current;
    });
    const released = await publishAt('StockReleased', payment.id, { items }, 'inventory', new Date(Date.parse(failed.completedAt!) + 1));
    const money = { payerVpa: 'nina@okbank', payeeVpa: 'oscar@okbank', amountPaise: 12550 };
    const voided = await publishAt('FundsReleased', payment.id, { ...money, releasedAt: released.occurredAt }, 'ledger', after(released));
    const notified = await publishAt(
      'PaymentNotified',
      payment.id,
      { notifications: [{ recipientVpa: 'nina@okbank', type: 'PAYMENT_FAILED' }] },
      'notifications',
      after(voided),
    );
    // a second answer from inventory, after the outcome: on the timeline, but the payment stays as it is
    const late = await publishAt(
      'StockRejected',
      payment.id,
      { items, reason: 'INSUFFICIENT_STOCK', skus: ['SKU-1'] },
      'inventory',
      after(notified),
    );

    await eventually(async () =>
      expect((await timelineOf(payment)).steps).toEqual([
        { step: 'initiated', service: 'payments', at: payment.createdAt, outcome: '125.50 INR' },
        { step: 'reserved', service: 'inventory', at: reserved.occurredAt, outcome: '2 × SKU-1' },
        { step: 'assessed', service: 'fraud', at: assessed.occurredAt, outcome: 'REJECTED: BLOCKLISTED' },
        { step: 'failed', service: 'payments', at: failed.completedAt!, outcome: 'FRAUD_REJECTED' },
        { step: 'released', service: 'inventory', at: released.occurredAt, outcome: '2 × SKU-1' },
        { step: 'funds released', service: 'ledger', at: voided.occurredAt, outcome: '125.50 back to nina@okbank' },
        { step: 'notified', service: 'notifications', at: notified.occurredAt, outcome: 'PAYMENT_FAILED nina@okbank' },
        { step: 'rejected', service: 'inventory', at: late.occurredAt, outcome: 'OUT_OF_STOCK: INSUFFICIENT_STOCK SKU-1' },
      ]),
    );
    expect(await getPayment(payment)).toEqual(failed);
  });

  it('links the trace of the request that created the payment', async () => {
    const payment = await initiate('olga@okbank', 'pete@okbank');
    // what a traced request would have stored (no tracing SDK runs in this process)
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await service.app.get(DataSource).query('UPDATE payments SET trace_id = $2 WHERE id = $1', [payment.id, traceId]);

    expect(await getPayment(payment)).toEqual({ ...payment, traceId });
    expect(await api.listOf('olga@okbank', await api.holders.of('olga@okbank'))).toEqual([{ ...payment, traceId }]);
    expect(await timelineOf(payment)).toEqual({
      paymentId: payment.id,
      traceId,
      traceUrl: `http://viewer.test/traces/${traceId}?from=payments`,
      steps: [{ step: 'initiated', service: 'payments', at: payment.createdAt, outcome: '125.50 INR' }],
    });
  });

  it('answers 404 for an unknown id and for one that is not a UUID', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const answer = await api.request('GET', `/v1/payments/${id}/timeline`, await api.asOperator());
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('PAYMENT.NOT_FOUND');
    }
  });

  it('dead-letters a step of a payment it does not know', async () => {
    const unknownId = randomUUID();
    await kafka.publish('PaymentRecorded', unknownId, { status: 'FAILED', latencyMs: 5 }, 'analytics');
    const parked = await kafka.read(deadLetterTopic('payments'), (m) => m.some((x) => x.key === unknownId));
    const mine = parked.find((m) => m.key === unknownId)!;
    expect(mine.headers['dlq-error']).toContain(`payment ${unknownId} is unknown`);
    expect(mine.headers['dlq-attempts']).toBe('1');
  });
});
