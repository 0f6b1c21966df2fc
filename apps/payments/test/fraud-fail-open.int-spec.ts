import { deadLetterTopic, PayloadOf, Topics } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { eventually } from '../../../test/support/eventually';
import { testEnv } from '../../../test/support/env';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { PaymentsModule } from '../src/payments.module';
import { fundsReserved, PaymentsApi, publishedEvents } from './support/payments-api';

/*
 * FRAUD_FAILURE_MODE=open: a payment with no fraud assessment after FRAUD_TIMEOUT_MS is approved
 * without one (and marked so); the saga goes on. No fraud event is ever published in this file
 * except the late ones. (Failing closed, the default, is in expiry.int-spec.ts.)
 */
const env = testEnv('payments-fail-open', {
  FRAUD_FAILURE_MODE: 'open',
  FRAUD_TIMEOUT_MS: '500',
  PAYMENT_TIMEOUT_S: '6',
  EXPIRY_SWEEP_MS: '200',
});
const kafka = new TestKafka(env);
let service: RunningService;
let api: PaymentsApi;

const rejected: PayloadOf<'FraudAssessed'> = {
  decision: 'REJECTED',
  score: 90,
  reasons: ['BLOCKLISTED'],
  assessedAt: new Date().toISOString(),
};
const items = [{ sku: 'SKU-1', quantity: 2 }];
const FAIL_OPEN = { decision: 'APPROVED', score: 0, reasons: [], failOpen: true };
const bodyOf = (payer: string, extra: Record<string, unknown> = {}) => ({
  payerVpa: payer,
  payeeVpa: 'shop@okbank',
  amount: '10.00',
  currency: 'INR',
  ...extra,
});

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Payments', description: '', module: PaymentsModule.forRoot(config) });
  api = new PaymentsApi(service, kafka);
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

describe('fraud failing open', () => {
  it('succeeds a payment without items that fraud never assessed, marked as approved without an assessment', async () => {
    const payment = await api.initiate(bodyOf('open1@okbank'));
    await fundsReserved(kafka, payment);
    const done = await api.final(payment.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', failureReason: null, fraud: FAIL_OPEN });

    const events = (await publishedEvents(kafka, service, [payment.id])).get(payment.id)!;
    expect(events.map((e) => e.type)).toEqual(['PaymentInitiated', 'PaymentSucceeded']);
    expect((await api.timelineOf(payment.id)).steps.map((s) => [s.step, s.service, s.outcome])).toEqual([
      ['initiated', 'payments', '10.00 INR'],
      ['funds reserved', 'ledger', '10.00 held on open1@okbank'],
      ['assessed', 'payments', 'APPROVED: FAIL_OPEN (no assessment in time)'],
      ['succeeded', 'payments', null],
    ]);
  });

  it('keeps the payment as it is when the real assessment comes late, even a rejection', async () => {
    const payment = await api.initiate(bodyOf('open2@okbank'));
    await fundsReserved(kafka, payment);
    const done = await api.final(payment.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', fraud: FAIL_OPEN });

    await kafka.publish('FraudAssessed', payment.id, rejected);
    const barrier = `barrier-${randomUUID()}`;
    await kafka.send(Topics.FraudEvents, [{ key: payment.id, value: barrier }]);
    await kafka.read(deadLetterTopic('payments'), (m) => m.some((x) => x.value === barrier));

    expect(await api.get(payment.id)).toEqual(done);
    const events = (await publishedEvents(kafka, service, [payment.id])).get(payment.id)!;
    expect(events.map((e) => e.type)).toEqual(['PaymentInitiated', 'PaymentSucceeded']);
  });

  it('lets a payment with items wait for its stock as usual, then succeed', async () => {
    const payment = await api.initiate(bodyOf('open3@okbank', { items }));
    await fundsReserved(kafka, payment);
    const approved = await eventually(async () => {
      const current = await api.get(payment.id);
      expect(current.fraud).toEqual(FAIL_OPEN);
      return current;
    });
    expect(approved.status).toBe('PENDING');

    await kafka.publish('StockReserved', payment.id, { items });
    expect(await api.final(payment.id)).toMatchObject({ status: 'SUCCEEDED', fraud: FAIL_OPEN });
    const events = (await publishedEvents(kafka, service, [payment.id])).get(payment.id)!;
    expect(events.map((e) => e.type)).toEqual(['PaymentInitiated', 'PaymentSucceeded']);
  });

  it('still expires a payment whose stock never comes', async () => {
    const payment = await api.initiate(bodyOf('open4@okbank', { items }));
    const expired = await api.final(payment.id);
    expect(expired).toMatchObject({ status: 'FAILED', failureReason: 'EXPIRED', fraud: FAIL_OPEN });
    const events = (await publishedEvents(kafka, service, [payment.id])).get(payment.id)!;
    expect(events.map((e) => e.type)).toEqual(['PaymentInitiated', 'PaymentFailed']);
    expect(events[1].payload).toMatchObject({ failureReason: 'EXPIRED' });
  });
});
