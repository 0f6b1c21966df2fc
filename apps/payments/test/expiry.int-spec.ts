import { deadLetterTopic, PayloadOf, Topic, Topics } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { eventually } from '../../../test/support/eventually';
import { testEnv } from '../../../test/support/env';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { PaymentsModule } from '../src/payments.module';
import { PaymentsApi, publishedEvents } from './support/payments-api';

/*
 * Expiry, the UPI way: a payment not final within PAYMENT_TIMEOUT_S fails EXPIRED. Fraud fails
 * closed (the default): a payment nobody assesses expires too. Two instances share the database.
 */
const env = testEnv('payments-expiry', { PAYMENT_TIMEOUT_S: '2', EXPIRY_SWEEP_MS: '200' });
const kafka = new TestKafka(env);
let service: RunningService;
let second: RunningService;
let api: PaymentsApi;
let secondApi: PaymentsApi;

const approved: PayloadOf<'FraudAssessed'> = { decision: 'APPROVED', score: 5, reasons: [], assessedAt: new Date().toISOString() };
// (A payment is never made final in time here: with a 2 s deadline, that would race the sweeper.)
const items = [{ sku: 'SKU-1', quantity: 2 }];
const bodyOf = (payer: string, extra: Record<string, unknown> = {}) => ({
  payerVpa: payer,
  payeeVpa: 'shop@okbank',
  amount: '10.00',
  currency: 'INR',
  ...extra,
});

/** Waits until the payments service has applied everything sent so far about a payment on these topics. */
async function applied(paymentId: string, topics: Topic[]): Promise<void> {
  const barrier = `barrier-${randomUUID()}`;
  for (const topic of topics) await kafka.send(topic, [{ key: paymentId, value: barrier }]);
  await kafka.read(deadLetterTopic('payments'), (m) => m.filter((x) => x.value === barrier).length === topics.length);
}

beforeAll(async () => {
  const config = loadConfig(env);
  expect(config.deadlines).toMatchObject({ paymentTimeoutMs: 2000, fraudFailureMode: 'closed' });
  service = await startServiceApp({ config, title: 'Payments', description: '', module: PaymentsModule.forRoot(config) });
  second = await startServiceApp({ config, title: 'Payments', description: '', module: PaymentsModule.forRoot(config) });
  api = new PaymentsApi(service, kafka);
  secondApi = new PaymentsApi(second, kafka, api.holders);
});

afterAll(async () => {
  await second?.close();
  await service?.close();
  await kafka.close();
});

describe('a payment not final within PAYMENT_TIMEOUT_S', () => {
  it('fails EXPIRED when fraud never answers (fail closed), announces it, and shows it on its timeline', async () => {
    const payment = await api.initiate(bodyOf('silent@okbank'));
    const expired = await api.final(payment.id);
    expect(expired).toMatchObject({ status: 'FAILED', failureReason: 'EXPIRED', fraud: null });
    expect(expired.completedAt).not.toBeNull();
    expect(expired.updatedAt).toBe(expired.completedAt);
    // not before its time (a lower bound only: when exactly the sweeper runs is not the point)
    expect(Date.parse(expired.completedAt!) - Date.parse(payment.createdAt)).toBeGreaterThan(2000);

    const events = (await publishedEvents(kafka, service, [payment.id])).get(payment.id)!;
    expect(events.map((e) => e.type)).toEqual(['PaymentInitiated', 'PaymentFailed']);
    expect(events[1]).toMatchObject({
      producer: 'payments',
      payload: { failureReason: 'EXPIRED', completedAt: expired.completedAt, payerVpa: 'silent@okbank', amountPaise: 1000 },
    });
    expect((await api.timelineOf(payment.id)).steps.map((s) => [s.step, s.outcome])).toEqual([
      ['initiated', '10.00 INR'],
      ['failed', 'EXPIRED'],
    ]);
  });

  it('stays EXPIRED when the assessment and the reservation come too late', async () => {
    const payment = await api.initiate(bodyOf('late@okbank', { items }));
    const expired = await api.final(payment.id);
    expect(expired).toMatchObject({ status: 'FAILED', failureReason: 'EXPIRED' });

    await kafka.publish('FraudAssessed', payment.id, approved);
    await kafka.publish('StockReserved', payment.id, { items });
    await applied(payment.id, [Topics.FraudEvents, Topics.InventoryEvents]);

    expect(await api.get(payment.id)).toEqual(expired);
    const events = (await publishedEvents(kafka, service, [payment.id])).get(payment.id)!;
    expect(events.map((e) => e.type)).toEqual(['PaymentInitiated', 'PaymentFailed']);
    // the late facts are on the timeline, after the failure
    expect((await api.timelineOf(payment.id)).steps.map((s) => s.step)).toEqual(['initiated', 'failed', 'assessed', 'reserved']);
  });

  it('expires each of many payments exactly once with two instances sweeping', async () => {
    const payments = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? api : secondApi).initiate(bodyOf(`many${i}@okbank`))));
    await eventually(async () => {
      for (const p of payments) expect(await api.get(p.id)).toMatchObject({ status: 'FAILED', failureReason: 'EXPIRED' });
    });
    const events = await publishedEvents(
      kafka,
      service,
      payments.map((p) => p.id),
    );
    for (const p of payments) expect(events.get(p.id)!.map((e) => e.type)).toEqual(['PaymentInitiated', 'PaymentFailed']);
  });
});
