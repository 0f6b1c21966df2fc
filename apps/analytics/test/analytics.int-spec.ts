import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AnyPaymentEvent, createEvent, EventCatalog, FailureReason, PAYMENT_EVENT_TYPES, Topics } from '@app/contracts';
import { eventually } from '../../../test/support/eventually';
import { testEnv } from '../../../test/support/env';
import { newOperator, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { AnalyticsModule } from '../src/analytics.module';
import { loadConfig } from '../src/config';

const env = testEnv('analytics');
const kafka = new TestKafka(env);
let service: RunningService;
// The summary is for operators (access.int-spec.ts: everyone else is refused).
let operator: TestUser;

// Each scenario creates its payments inside its own window of creation times, far from the others,
// so that it can query exactly its own payments through from/to.
const at = (base: string, offsetMs: number) => new Date(Date.parse(base) + offsetMs).toISOString();

interface PaymentPlan {
  id: string;
  createdAt: string;
  amountPaise: number;
  outcome?: { latencyMs: number; failureReason?: FailureReason };
  initiated?: boolean;
}

function paymentFacts(plan: PaymentPlan) {
  return {
    payerVpa: 'alice@okbank',
    payeeVpa: 'bob@okbank',
    amountPaise: plan.amountPaise,
    currency: 'INR' as const,
    items: [],
    createdAt: plan.createdAt,
    payerUserId: null,
    payeeUserId: null,
  };
}

function finalEvent(plan: PaymentPlan, outcome: NonNullable<PaymentPlan['outcome']>): AnyPaymentEvent {
  const completedAt = at(plan.createdAt, outcome.latencyMs);
  const payload = { ...paymentFacts(plan), completedAt };
  return outcome.failureReason
    ? createEvent('PaymentFailed', plan.id, { ...payload, failureReason: outcome.failureReason }, 'payments', new Date(completedAt))
    : createEvent('PaymentSucceeded', plan.id, payload, 'payments', new Date(completedAt));
}

/** The events a payment's lifecycle produces, in order: initiated (unless left out), then its outcome. */
function eventsOf(plan: PaymentPlan): AnyPaymentEvent[] {
  const events: AnyPaymentEvent[] = [];
  if (plan.initiated !== false) {
    events.push(createEvent('PaymentInitiated', plan.id, paymentFacts(plan), 'payments', new Date(plan.createdAt)));
  }
  if (plan.outcome) events.push(finalEvent(plan, plan.outcome));
  return events;
}

/** Puts events on their topics in one go, keyed by payment so each payment's events keep their order. */
async function deliver(events: AnyPaymentEvent[]): Promise<void> {
  const byTopic = new Map<string, Array<{ key: string; value: string }>>();
  for (const event of events) {
    const topic = EventCatalog[event.type].topic;
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key: event.paymentId, value: JSON.stringify(event) }]);
  }
  for (const [topic, messages] of byTopic) await kafka.send(topic, messages);
}

async function summary(query = '') {
  const response = await fetch(`${service.url}/v1/analytics/summary${query ? `?${query}` : ''}`, { headers: operator.headers });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

const windowOf = (base: string, hours = 1) => `from=${base}&to=${at(base, hours * 3600_000)}`;

/** The ids of the events recorded for these payments, except the service's own announcements (it consumes those too). */
async function recordedEventIds(paymentIds: string[]): Promise<string[]> {
  const rows: Array<{ event_id: string }> = await service.app
    .get(DataSource)
    .query(`SELECT event_id FROM lifecycle_events WHERE payment_id = ANY($1::uuid[]) AND producer <> 'analytics' ORDER BY event_id`, [
      paymentIds,
    ]);
  return rows.map((row) => row.event_id);
}

/**
 * Every event the service published about these payments, once it has handled what it was sent:
 * an empty outbox, then a marker behind each payment's events (same key, so same partition), mean
 * the topic holds all it will ever get about them.
 */
async function announcedAbout(paymentIds: string[]): Promise<AnyPaymentEvent[]> {
  const dataSource = service.app.get(DataSource);
  await eventually(async () => expect(await dataSource.query('SELECT 1 FROM outbox')).toEqual([]));
  const markers = new Set(paymentIds.map(() => `marker-${randomUUID()}`));
  await kafka.send(
    Topics.AnalyticsEvents,
    [...markers].map((value, i) => ({ key: paymentIds[i], value })),
  );
  const messages = await kafka.read(Topics.AnalyticsEvents, (m) => m.filter((x) => markers.has(x.value ?? '')).length === markers.size);
  return messages
    .filter((m) => m.key !== null && paymentIds.includes(m.key) && !markers.has(m.value ?? ''))
    .map((m) => JSON.parse(m.value!) as AnyPaymentEvent);
}

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Analytics', description: '', module: AnalyticsModule.forRoot(config) });
  operator = await newOperator();
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

describe('analytics service', () => {
  it('is ready when its database and Kafka are usable', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    expect(response.status).toBe(200);
  });

  describe('a day of payments', () => {
    const day = '2031-03-01T10:00:00.000Z';
    // 20 final payments with latencies 10, 20, ... 200 ms: 16 succeeded, 4 failed; and 1 pending.
    const plans: PaymentPlan[] = Array.from({ length: 20 }, (_, i) => ({
      id: randomUUID(),
      createdAt: at(day, i * 60_000),
      amountPaise: 1000,
      outcome: { latencyMs: (i + 1) * 10 },
    }));
    plans[0].amountPaise = 12550; // 125.50
    plans[1].amountPaise = 1; // 0.01
    plans[2].initiated = false; // its final event arrives with no initiated before it
    plans[3].outcome!.failureReason = 'FRAUD_REJECTED';
    plans[3].amountPaise = 50_000;
    plans[8].outcome!.failureReason = 'FRAUD_REJECTED';
    plans[12].outcome!.failureReason = 'INSUFFICIENT_FUNDS'; // the ledger refused it (money.md)
    plans[19].outcome!.failureReason = 'OUT_OF_STOCK';
    plans[19].amountPaise = 70_000;
    plans.push({ id: randomUUID(), createdAt: at(day, 30 * 60_000), amountPaise: 99_900 }); // still pending
    const originals = plans.flatMap(eventsOf);

    const expected = {
      initiated: 21,
      succeeded: 16,
      failed: 4,
      pending: 1,
      failuresByReason: {
        FRAUD_REJECTED: 2,
        OUT_OF_STOCK: 1,
        EXPIRED: 0,
        INSUFFICIENT_FUNDS: 1,
        DAILY_LIMIT_EXCEEDED: 0,
        ACCOUNT_CLOSED: 0,
      },
      // 125.50 + 0.01 + 14 × 10.00; failed and pending amounts are not volume
      succeededVolume: '265.51',
      // nearest rank over the 20 final latencies: the 10th, 19th and 20th
      latencyMs: { p50: 100, p95: 190, p99: 200 },
      refunds: { requested: 0, succeeded: 0, failed: 0, pending: 0, refundedVolume: '0.00' },
      disputes: { opened: 0, resolvedForPayer: 0, resolvedForPayee: 0, withdrawn: 0, pending: 0 },
    };

    it('counts each payment once, by status and reason, with its volume and latency percentiles', async () => {
      await deliver(originals);
      await eventually(async () => expect(await summary(windowOf(day))).toEqual(expected));
    });

    it('changes nothing when events are redelivered or a final payment gets a second final event', async () => {
      // Same event ids again, then per payment one new event that must not move it: a contradicting
      // final event, or a second initiated with other facts for the pending one. Each payment's
      // new event comes after its redeliveries on the same partition, so once every new event is
      // recorded, every redelivery before it has been consumed too.
      const second = plans.map((plan) =>
        plan.outcome
          ? finalEvent(plan, { latencyMs: 5, failureReason: plan.outcome.failureReason ? undefined : 'EXPIRED' })
          : createEvent('PaymentInitiated', plan.id, { ...paymentFacts(plan), amountPaise: 1, createdAt: at(day, 0) }, 'payments'),
      );
      await deliver([...originals, ...second]);
      const everyEvent = [...originals, ...second].map((event) => event.eventId).sort();
      await eventually(async () => expect(await recordedEventIds(plans.map((p) => p.id))).toEqual(everyEvent));

      expect(await summary(windowOf(day))).toEqual(expected);
    });

    it('announces each payment once, when it becomes final, with its first final status and latency', async () => {
      // runs after the redeliveries and contradicting events above
      const announced = await announcedAbout(plans.map((p) => p.id));
      const final = plans.filter((plan) => plan.outcome);
      expect(announced).toHaveLength(final.length);
      for (const plan of final) {
        expect(announced.filter((event) => event.paymentId === plan.id)).toEqual([
          {
            eventId: expect.any(String),
            type: 'PaymentRecorded',
            schemaVersion: 1,
            paymentId: plan.id,
            occurredAt: expect.any(String),
            producer: 'analytics',
            payload: { status: plan.outcome!.failureReason ? 'FAILED' : 'SUCCEEDED', latencyMs: plan.outcome!.latencyMs },
          },
        ]);
      }
    });
  });

  it('records every lifecycle event type once, as it arrived', async () => {
    const paymentId = randomUUID();
    const createdAt = '2032-05-01T00:00:00.000Z';
    const payment = paymentFacts({ id: paymentId, createdAt, amountPaise: 100 });
    const items = [{ sku: 'SKU-1', quantity: 2 }];
    const money = { payerVpa: payment.payerVpa, payeeVpa: payment.payeeVpa, amountPaise: payment.amountPaise };
    const parties = { payerVpa: payment.payerVpa, payeeVpa: payment.payeeVpa, payerUserId: null, payeeUserId: null };
    const operatorId = randomUUID();
    const refund = {
      ...parties,
      refundId: randomUUID(),
      amountPaise: 50,
      currency: 'INR' as const,
      reason: 'returned',
      disputeId: null,
      requestedByUserId: operatorId,
    };
    const refundMoney = { refundId: refund.refundId, fromVpa: payment.payeeVpa, toVpa: payment.payerVpa, amountPaise: 50 };
    const dispute = { ...parties, disputeId: randomUUID(), amountPaise: 50, reason: 'OTHER' as const };
    const events: AnyPaymentEvent[] = [
      createEvent('PaymentInitiated', paymentId, { ...payment, items }, 'payments'),
      createEvent('FraudAssessed', paymentId, { decision: 'APPROVED', score: 3, reasons: [], assessedAt: createdAt }, 'fraud'),
      createEvent('StockReserved', paymentId, { items }, 'inventory'),
      createEvent('StockRejected', paymentId, { items, reason: 'INSUFFICIENT_STOCK', skus: ['SKU-1'] }, 'inventory'),
      createEvent('StockCommitted', paymentId, { items }, 'inventory'),
      createEvent('StockReleased', paymentId, { items }, 'inventory'),
      createEvent('FundsReserved', paymentId, { ...money, reservedAt: createdAt }, 'ledger'),
      createEvent('FundsRejected', paymentId, { ...money, reason: 'INSUFFICIENT_FUNDS', rejectedAt: createdAt }, 'ledger'),
      createEvent('FundsSettled', paymentId, { ...money, settledAt: createdAt }, 'ledger'),
      createEvent('FundsReleased', paymentId, { ...money, releasedAt: createdAt }, 'ledger'),
      createEvent('PaymentSucceeded', paymentId, { ...payment, items, completedAt: createdAt }, 'payments'),
      createEvent('PaymentFailed', paymentId, { ...payment, items, completedAt: createdAt, failureReason: 'EXPIRED' }, 'payments'),
      createEvent(
        'PaymentNotified',
        paymentId,
        { notifications: [{ recipientVpa: 'alice@okbank', type: 'PAYMENT_SENT' }] },
        'notifications',
      ),
      createEvent('PaymentRecorded', paymentId, { status: 'FAILED', latencyMs: 7 }, 'analytics'),
      createEvent('RefundRequested', paymentId, { ...refund, requestedAt: createdAt }, 'payments'),
      createEvent('RefundFundsReserved', paymentId, { ...refundMoney, reservedAt: createdAt }, 'ledger'),
      createEvent('RefundFundsRejected', paymentId, { ...refundMoney, reason: 'INSUFFICIENT_FUNDS', rejectedAt: createdAt }, 'ledger'),
      createEvent('RefundSucceeded', paymentId, { ...refund, requestedAt: createdAt, completedAt: createdAt }, 'payments'),
      createEvent(
        'RefundFailed',
        paymentId,
        { ...refund, requestedAt: createdAt, completedAt: createdAt, failureReason: 'EXPIRED' },
        'payments',
      ),
      createEvent('RefundFundsSettled', paymentId, { ...refundMoney, settledAt: createdAt }, 'ledger'),
      createEvent('RefundFundsReleased', paymentId, { ...refundMoney, releasedAt: createdAt }, 'ledger'),
      createEvent('DisputeOpened', paymentId, { ...dispute, openedAt: createdAt }, 'disputes'),
      createEvent('DisputeReviewStarted', paymentId, { ...dispute, reviewerUserId: operatorId, reviewStartedAt: createdAt }, 'disputes'),
      createEvent(
        'DisputeCommented',
        paymentId,
        { ...dispute, commentId: randomUUID(), authorUserId: operatorId, authorRole: 'OPERATOR', commentedAt: createdAt },
        'disputes',
      ),
      createEvent('DisputeEscalated', paymentId, { ...dispute, openedAt: createdAt, escalatedAt: createdAt }, 'disputes'),
      createEvent(
        'DisputeResolved',
        paymentId,
        { ...dispute, outcome: 'PAYEE', resolvedByUserId: operatorId, resolvedAt: createdAt },
        'disputes',
      ),
      createEvent('DisputeWithdrawn', paymentId, { ...dispute, withdrawnAt: createdAt }, 'disputes'),
    ];
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(PAYMENT_EVENT_TYPES));
    await deliver(events);
    await deliver(events); // the same ids again

    const dataSource = service.app.get(DataSource);
    const rowsOf = () =>
      dataSource.query(
        'SELECT event_id, payment_id, type, schema_version, occurred_at, producer, payload FROM lifecycle_events WHERE payment_id = $1',
        [paymentId],
      );
    // ...and the service's own announcement of the payment becoming final (on PaymentSucceeded), which it consumes too
    await eventually(async () => expect(await rowsOf()).toHaveLength(events.length + 1));
    const rows = (await rowsOf()) as Array<Record<string, unknown>>;
    const sent = new Set(events.map((event) => event.eventId));
    expect(rows.filter((row) => !sent.has(row.event_id as string))).toEqual([
      expect.objectContaining({ type: 'PaymentRecorded', producer: 'analytics', payload: { status: 'SUCCEEDED', latencyMs: 0 } }),
    ]);
    for (const event of events) {
      expect(rows.filter((row) => row.event_id === event.eventId)).toEqual([
        {
          event_id: event.eventId,
          payment_id: paymentId,
          type: event.type,
          schema_version: event.schemaVersion,
          occurred_at: new Date(event.occurredAt),
          producer: event.producer,
          payload: event.payload,
        },
      ]);
    }
  });

  describe('refunds and disputes of the payments in a window', () => {
    const day = '2031-04-01T10:00:00.000Z';
    // Two payments in the window, one after it; their refunds and disputes are asked for later still
    // (three hours on), outside the window: they count by their payment's creation time.
    const [inside, second, after] = [0, 1, 120].map((minutes, i) => ({
      id: randomUUID(),
      createdAt: at(day, minutes * 60_000),
      amountPaise: [10_000, 5_000, 1_000][i],
      outcome: { latencyMs: 100 },
    }));
    const later = at(day, 3 * 3600_000);
    const done = at(day, 3 * 3600_000 + 1000);
    const operatorId = randomUUID();

    const refundFacts = (paymentId: string, amountPaise: number, refundId = randomUUID()) => ({
      refundId,
      payerVpa: 'alice@okbank',
      payeeVpa: 'bob@okbank',
      amountPaise,
      currency: 'INR' as const,
      reason: 'returned',
      disputeId: null,
      requestedByUserId: operatorId,
      payerUserId: null,
      payeeUserId: null,
      requestedAt: later,
      paymentId,
    });
    type RefundFacts = ReturnType<typeof refundFacts>;
    const requested = ({ paymentId, ...facts }: RefundFacts) => createEvent('RefundRequested', paymentId, facts, 'payments');
    const succeeded = ({ paymentId, ...facts }: RefundFacts) =>
      createEvent('RefundSucceeded', paymentId, { ...facts, completedAt: done }, 'payments');
    const failed = ({ paymentId, ...facts }: RefundFacts) =>
      createEvent('RefundFailed', paymentId, { ...facts, completedAt: done, failureReason: 'INSUFFICIENT_FUNDS' }, 'payments');

    const r1 = refundFacts(inside.id, 2550); // succeeds
    const r2 = refundFacts(inside.id, 8000); // fails
    const r3 = refundFacts(inside.id, 1000); // stays pending
    const r4 = refundFacts(second.id, 5000); // succeeds, its request never seen
    const r5 = refundFacts(after.id, 500); // succeeds, its payment outside the window

    const disputeFacts = (paymentId: string) => ({
      disputeId: randomUUID(),
      payerVpa: 'alice@okbank',
      payeeVpa: 'bob@okbank',
      payerUserId: null,
      payeeUserId: null,
      amountPaise: 1000,
      reason: 'NOT_RECEIVED' as const,
      paymentId,
    });
    type DisputeFacts = ReturnType<typeof disputeFacts>;
    const opened = ({ paymentId, ...facts }: DisputeFacts) =>
      createEvent('DisputeOpened', paymentId, { ...facts, openedAt: later }, 'disputes');
    const resolved = ({ paymentId, ...facts }: DisputeFacts, outcome: 'PAYER' | 'PAYEE') =>
      createEvent('DisputeResolved', paymentId, { ...facts, outcome, resolvedByUserId: operatorId, resolvedAt: done }, 'disputes');
    const withdrawn = ({ paymentId, ...facts }: DisputeFacts) =>
      createEvent('DisputeWithdrawn', paymentId, { ...facts, withdrawnAt: done }, 'disputes');
    const reviewed = ({ paymentId, ...facts }: DisputeFacts) =>
      createEvent('DisputeReviewStarted', paymentId, { ...facts, reviewerUserId: operatorId, reviewStartedAt: done }, 'disputes');

    const d1 = disputeFacts(inside.id); // resolved for the payer
    const d2 = disputeFacts(second.id); // withdrawn
    const d3 = disputeFacts(second.id); // then another, resolved for the payee
    const d4 = disputeFacts(inside.id); // under review, not resolved
    const d5 = disputeFacts(after.id); // its payment outside the window

    const requests = [requested(r1), requested(r2), requested(r3), requested(r5)];
    const outcomes = [succeeded(r1), failed(r2), succeeded(r4), succeeded(r5)];
    const disputes = [
      opened(d1),
      reviewed(d1),
      resolved(d1, 'PAYER'),
      opened(d2),
      withdrawn(d2),
      opened(d3),
      resolved(d3, 'PAYEE'),
      opened(d4),
      reviewed(d4),
      opened(d5),
      resolved(d5, 'PAYER'),
    ];
    const final = {
      refunds: { requested: 4, succeeded: 2, failed: 1, pending: 1, refundedVolume: '75.50' },
      disputes: { opened: 4, resolvedForPayer: 1, resolvedForPayee: 1, withdrawn: 1, pending: 1 },
    };

    beforeAll(async () => {
      await deliver([inside, second, after].flatMap(eventsOf));
      await eventually(async () => expect(await summary(windowOf(day, 3))).toMatchObject({ succeeded: 3 }));
    });

    it('counts refunds as they are requested, then as they succeed or fail', async () => {
      await deliver(requests);
      await eventually(async () =>
        expect(await summary(windowOf(day))).toMatchObject({
          initiated: 2,
          refunds: { requested: 3, succeeded: 0, failed: 0, pending: 3, refundedVolume: '0.00' },
        }),
      );
      await deliver(outcomes);
      await eventually(async () => expect(await summary(windowOf(day))).toMatchObject({ refunds: final.refunds }));
    });

    it('counts disputes as they are opened and as they end, once each', async () => {
      await deliver(disputes);
      await eventually(async () => expect(await summary(windowOf(day))).toMatchObject(final));
    });

    it('counts a refund or dispute in the window of its payment, not of when it was asked for', async () => {
      expect(await summary(windowOf(later))).toMatchObject({
        initiated: 0,
        refunds: { requested: 0, refundedVolume: '0.00' },
        disputes: { opened: 0 },
      });
      expect(await summary(windowOf(after.createdAt))).toMatchObject({
        initiated: 1,
        refunds: { requested: 1, succeeded: 1, refundedVolume: '5.00' },
        disputes: { opened: 1, resolvedForPayer: 1 },
      });
      expect(await summary(windowOf(day, 3))).toMatchObject({
        refunds: { requested: 5, succeeded: 3, refundedVolume: '80.50' },
        disputes: { opened: 5, resolvedForPayer: 2 },
      });
    });

    it('changes nothing when refund and dispute events are redelivered or a final one gets a contradicting one', async () => {
      // The same ids again; then new events that must not move anything: a second request of a
      // refund with another amount, contradicting outcomes, a dispute reopened and resolved again.
      const contradicting = [
        requested({ ...r1, amountPaise: 1 }),
        failed(r1),
        succeeded(r2),
        resolved(d1, 'PAYEE'),
        opened(d2),
        resolved(d2, 'PAYER'),
        withdrawn(d3),
      ];
      const all = [...requests, ...outcomes, ...disputes];
      await deliver([...all, ...contradicting]);
      const ids = [inside, second, after].map((p) => p.id);
      const expectedIds = new Set([...all, ...contradicting].map((event) => event.eventId));
      await eventually(async () => {
        const recorded = new Set(await recordedEventIds(ids));
        expect([...expectedIds].filter((id) => !recorded.has(id))).toEqual([]);
      });
      expect(await summary(windowOf(day))).toMatchObject({ initiated: 2, succeeded: 2, succeededVolume: '150.00', ...final });
    });
  });

  it('documents the window of the summary on the payment’s creation time', async () => {
    const document = (await (await fetch(`${service.url}/docs-json`)).json()) as {
      paths: Record<string, { get?: { description?: string; responses?: Record<string, { description?: string }> } }>;
    };
    const operation = document.paths['/v1/analytics/summary'].get!;
    expect(operation.description).toContain('creation time of the payment');
    expect(operation.responses?.['200']?.description).toContain('refunds: { requested, succeeded, failed, pending, refundedVolume');
  });

  describe('the window on creation time', () => {
    const base = '2020-01-01T00:00:00.000Z';
    const plans: PaymentPlan[] = [0, 1, 2].map((hour) => ({
      id: randomUUID(),
      createdAt: at(base, hour * 3600_000),
      amountPaise: 100 * (hour + 1),
      outcome: { latencyMs: 1000 * (hour + 1) },
    }));
    const window = (from?: number, to?: number) =>
      [from === undefined ? '' : `from=${at(base, from * 3600_000)}`, to === undefined ? '' : `to=${at(base, to * 3600_000)}`]
        .filter(Boolean)
        .join('&');

    beforeAll(async () => {
      await deliver(plans.flatMap(eventsOf));
      await eventually(async () => expect(await summary(window(0, 3))).toMatchObject({ succeeded: 3 }));
    });

    it('includes from and excludes to', async () => {
      expect(await summary(window(1, 2))).toMatchObject({
        initiated: 1,
        succeeded: 1,
        succeededVolume: '2.00',
        latencyMs: { p50: 2000, p95: 2000, p99: 2000 },
      });
      expect(await summary(window(1, 1))).toMatchObject({ initiated: 0, succeededVolume: '0.00', latencyMs: { p50: 0, p95: 0, p99: 0 } });
    });

    it('takes either bound alone', async () => {
      // nothing else in this file is created before 2020
      expect(await summary(window(undefined, 1))).toMatchObject({ initiated: 1, succeededVolume: '1.00' });
      expect(await summary(window(1, undefined))).toMatchObject({ initiated: expect.any(Number) });
      expect(await summary(window(2, 3))).toMatchObject({ initiated: 1, succeededVolume: '3.00' });
    });

    it('accepts an offset other than Z', async () => {
      // 05:30 at +05:30 is midnight UTC: the first payment is in
      expect(await summary('from=2020-01-01T05:30:00%2B05:30&to=2020-01-01T06:30:00%2B05:30')).toMatchObject({
        initiated: 1,
        succeededVolume: '1.00',
      });
    });

    it('without a window, counts every payment, refund and dispute, and the counts add up', async () => {
      type Counts = { initiated: number; succeeded: number; failed: number; pending: number };
      const all = (await summary()) as Counts & {
        refunds: { requested: number; succeeded: number; failed: number; pending: number };
        disputes: { opened: number; resolvedForPayer: number; resolvedForPayee: number; withdrawn: number; pending: number };
      };
      expect(all.initiated).toBeGreaterThanOrEqual(3);
      expect(all.initiated).toBe(all.succeeded + all.failed + all.pending);
      const { refunds, disputes } = all;
      expect(refunds.requested).toBe(refunds.succeeded + refunds.failed + refunds.pending);
      expect(disputes.opened).toBe(disputes.resolvedForPayer + disputes.resolvedForPayee + disputes.withdrawn + disputes.pending);
    });
  });

  describe('a bad query', () => {
    const rejected = async (query: string) => {
      const response = await fetch(`${service.url}/v1/analytics/summary?${query}`, { headers: operator.headers });
      expect(response.status).toBe(400);
      return ((await response.json()) as { message: string }).message;
    };

    it('names from when it is not a date-time', async () => {
      const message = await rejected('from=yesterday');
      expect(message).toContain('from');
      expect(message).not.toContain('to:');
    });

    it('names to when it is not a date-time', async () => {
      expect(await rejected('to=2031-02-30T00:00:00Z')).toContain('to');
    });

    it('names from when the window runs backwards', async () => {
      expect(await rejected('from=2031-03-02T00:00:00Z&to=2031-03-01T00:00:00Z')).toMatch(/^from: /);
    });

    it('names a parameter it does not know', async () => {
      expect(await rejected('since=2031-03-01T00:00:00Z')).toContain('since');
    });
  });
});
