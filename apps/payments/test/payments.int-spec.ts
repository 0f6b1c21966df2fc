import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AnyPaymentEvent, deadLetterTopic, PayloadOf, Topic, Topics } from '@app/contracts';
import { eventually } from '../../../test/support/eventually';
import { testEnv } from '../../../test/support/env';
import { newUser, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { PaymentView } from '../src/payment.view';
import { PaymentsModule } from '../src/payments.module';
import { fundsRejected, fundsReserved, PaymentsApi } from './support/payments-api';

// Expiry has its own tests (expiry.int-spec.ts): here a payment waits for as long as a test needs.
const env = testEnv('payments', { PAYMENT_TIMEOUT_S: '3600' });
const kafka = new TestKafka(env);
let service: RunningService;
let api: PaymentsApi;
let someone: Promise<TestUser>;

interface Page {
  data: PaymentView[];
  nextCursor: string | null;
}

const approved: PayloadOf<'FraudAssessed'> = { decision: 'APPROVED', score: 5, reasons: [], assessedAt: new Date().toISOString() };
const rejected: PayloadOf<'FraudAssessed'> = {
  decision: 'REJECTED',
  score: 90,
  reasons: ['BLOCKLISTED'],
  assessedAt: new Date().toISOString(),
};
const items = [{ sku: 'SKU-1', quantity: 2 }];

/** A request from a user who holds no VPA: enough to be refused for the body alone. */
const post = async (body: unknown, contentType = 'application/json') =>
  api.request('POST', '/v1/payments', await someone, body, { 'content-type': contentType });

/** A payment from `payer` to `payee`, made by the user holding `payer` (each VPA is linked to a user of its own first). */
const initiate = (payer: string, payee: string, extra: Record<string, unknown> = {}) =>
  api.initiate({ payerVpa: payer, payeeVpa: payee, amount: '125.50', currency: 'INR', ...extra });

/** A payment, as an operator reads it. */
const getPayment = (id: string) => api.get(id);

/** The trace id of a payment made with no tracing SDK in the process (as here): present, null or a W3C trace id. */
const expectTraceIdField = (payment: PaymentView) => {
  expect(payment).toHaveProperty('traceId');
  expect(String(payment.traceId)).toMatch(/^(null|[0-9a-f]{32})$/);
};

/** A page of the list, as an operator sees it. */
async function list(query: string): Promise<Page> {
  const answer = await api.request('GET', `/v1/payments?${query}`, await api.asOperator());
  expect(answer.status).toBe(200);
  return answer.body as unknown as Page;
}

/** Every page of a listing, in order. */
async function listAll(query: string, between?: () => Promise<void>): Promise<PaymentView[]> {
  const seen: PaymentView[] = [];
  let cursor: string | null = null;
  do {
    const body: Page = await list(`${query}${cursor ? `&cursor=${cursor}` : ''}`);
    seen.push(...body.data);
    cursor = body.nextCursor;
    await between?.();
  } while (cursor);
  return seen;
}

/** How many payments the service has stored, whoever asked for them. */
async function paymentCount(): Promise<number> {
  const [{ n }] = await service.app.get(DataSource).query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM payments');
  return n;
}

/** The lifecycle events of a payment on the payments topic, once at least `count` are there. */
const lifecycleOf = (paymentId: string, count: number) =>
  kafka.eventsOf(Topics.PaymentEvents, paymentId, (events) => events.length >= count);

/**
 * Waits until the service has handled everything sent so far about a payment on these topics, and
 * published what that produced: a poison message behind them, with the same key (so on the same
 * partition), reaching the dead-letter topic means the earlier ones were applied; an empty outbox
 * and then a marker behind the payment's events means the topic holds all it will ever get.
 */
async function settled(paymentId: string, topics: Topic[]): Promise<AnyPaymentEvent[]> {
  const barrier = `barrier-${randomUUID()}`;
  for (const topic of topics) await kafka.send(topic, [{ key: paymentId, value: barrier }]);
  await kafka.read(deadLetterTopic('payments'), (m) => m.filter((x) => x.value === barrier).length === topics.length);
  const dataSource = service.app.get(DataSource);
  await eventually(async () => expect(await dataSource.query('SELECT 1 FROM outbox')).toEqual([]));
  const marker = `marker-${randomUUID()}`;
  await kafka.send(Topics.PaymentEvents, [{ key: paymentId, value: marker }]);
  const messages = await kafka.read(Topics.PaymentEvents, (m) => m.some((x) => x.value === marker));
  return messages.filter((m) => m.key === paymentId && m.value !== marker).map((m) => JSON.parse(m.value!) as AnyPaymentEvent);
}

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Payments', description: '', module: PaymentsModule.forRoot(config) });
  api = new PaymentsApi(service, kafka);
  someone = newUser();
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

describe('payments service', () => {
  it('is ready when its database and Kafka are usable', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    expect(response.status).toBe(200);
  });

  it('accepts a payment as PENDING and announces it', async () => {
    const payment = await initiate('Alice@OKBANK', 'bob@okbank', { note: 'lunch' });
    expect(payment).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'PENDING',
      failureReason: null,
      payerVpa: 'alice@okbank',
      payeeVpa: 'bob@okbank',
      amount: '125.50',
      refundedAmount: '0.00',
      currency: 'INR',
      note: 'lunch',
      items: [],
      fraud: null,
      createdAt: expect.any(String),
      updatedAt: payment.createdAt,
      completedAt: null,
      traceId: payment.traceId,
    });
    expectTraceIdField(payment);
    expect(await getPayment(payment.id)).toEqual(payment);

    const [initiated] = await lifecycleOf(payment.id, 1);
    const [alice, bob] = await Promise.all([api.holders.of('alice@okbank'), api.holders.of('bob@okbank')]);
    expect(initiated).toMatchObject({
      type: 'PaymentInitiated',
      paymentId: payment.id,
      producer: 'payments',
      schemaVersion: 2,
      payload: {
        payerVpa: 'alice@okbank',
        payeeVpa: 'bob@okbank',
        amountPaise: 12550,
        currency: 'INR',
        items: [],
        createdAt: payment.createdAt,
        payerUserId: alice.userId,
        payeeUserId: bob.userId,
      },
    });
  });

  it('succeeds a payment without items once fraud approves it', async () => {
    const payment = await initiate('carol@okbank', 'dan@okbank');
    await fundsReserved(kafka, payment);
    await kafka.publish('FraudAssessed', payment.id, approved);

    const done = await eventually(async () => {
      const current = await getPayment(payment.id);
      expect(current.status).toBe('SUCCEEDED');
      return current;
    });
    expect(done).toMatchObject({ failureReason: null, fraud: { decision: 'APPROVED', score: 5, reasons: [], failOpen: false } });
    expect(done.completedAt).not.toBeNull();
    expect(done.updatedAt).toBe(done.completedAt);

    const events = await lifecycleOf(payment.id, 2);
    expect(events.map((e) => e.type)).toEqual(['PaymentInitiated', 'PaymentSucceeded']);
    expect(events[1].payload).toEqual({
      payerVpa: 'carol@okbank',
      payeeVpa: 'dan@okbank',
      amountPaise: 12550,
      currency: 'INR',
      items: [],
      createdAt: payment.createdAt,
      completedAt: done.completedAt,
      payerUserId: (await api.holders.of('carol@okbank')).userId,
      payeeUserId: (await api.holders.of('dan@okbank')).userId,
    });
  });

  it('fails a payment that fraud rejects', async () => {
    const payment = await initiate('mallory@okbank', 'bob@okbank');
    await kafka.publish('FraudAssessed', payment.id, rejected);

    const done = await eventually(async () => {
      const current = await getPayment(payment.id);
      expect(current.status).toBe('FAILED');
      return current;
    });
    expect(done).toMatchObject({ failureReason: 'FRAUD_REJECTED', fraud: { decision: 'REJECTED', score: 90, reasons: ['BLOCKLISTED'] } });
    expect(done.completedAt).not.toBeNull();

    const events = await lifecycleOf(payment.id, 2);
    expect(events[1]).toMatchObject({ type: 'PaymentFailed', payload: { failureReason: 'FRAUD_REJECTED', completedAt: done.completedAt } });
  });

  it('succeeds a payment with items only once fraud approves it and its stock is reserved', async () => {
    const payment = await initiate('erin@okbank', 'frank@okbank', { items });
    expect(payment.items).toEqual(items);
    await fundsReserved(kafka, payment);
    await kafka.publish('FraudAssessed', payment.id, approved);
    const assessed = await eventually(async () => {
      const current = await getPayment(payment.id);
      expect(current.fraud).toMatchObject({ decision: 'APPROVED' });
      return current;
    });
    // the assessment and the status are written together: approved alone does not finish it
    expect(assessed.status).toBe('PENDING');
    expect(assessed.completedAt).toBeNull();

    await kafka.publish('StockReserved', payment.id, { items });
    await eventually(async () => expect((await getPayment(payment.id)).status).toBe('SUCCEEDED'));
    const events = await lifecycleOf(payment.id, 2);
    expect(events[1]).toMatchObject({ type: 'PaymentSucceeded', payload: { items } });
  });

  it('fails a payment whose stock is rejected, and nothing that arrives later changes it', async () => {
    const payment = await initiate('gina@okbank', 'hal@okbank', { items });
    const stockRejected = await kafka.publish('StockRejected', payment.id, { items, reason: 'INSUFFICIENT_STOCK', skus: ['SKU-1'] });
    const failed = await eventually(async () => {
      const current = await getPayment(payment.id);
      expect(current.status).toBe('FAILED');
      return current;
    });
    expect(failed).toMatchObject({ failureReason: 'OUT_OF_STOCK', fraud: null });

    // late and duplicate facts: the assessment, a reservation, the same rejection again (same and new event id)
    await kafka.publish('FraudAssessed', payment.id, approved);
    await kafka.publish('StockReserved', payment.id, { items });
    await kafka.send(Topics.InventoryEvents, [{ key: payment.id, value: JSON.stringify(stockRejected) }]);
    await kafka.publish('StockRejected', payment.id, { items, reason: 'UNKNOWN_SKU', skus: ['SKU-1'] });
    const events = await settled(payment.id, [Topics.FraudEvents, Topics.InventoryEvents]);

    expect(await getPayment(payment.id)).toEqual(failed);
    expect(events.map((e) => e.type)).toEqual(['PaymentInitiated', 'PaymentFailed']);
    expect(events[1].payload).toMatchObject({ failureReason: 'OUT_OF_STOCK' });
  });

  it('keeps a succeeded payment as it is when a rejection or a duplicate arrives after it', async () => {
    const payment = await initiate('ivy@okbank', 'jay@okbank');
    await fundsReserved(kafka, payment);
    const assessment = await kafka.publish('FraudAssessed', payment.id, approved);
    const succeeded = await eventually(async () => {
      const current = await getPayment(payment.id);
      expect(current.status).toBe('SUCCEEDED');
      return current;
    });

    await kafka.send(Topics.FraudEvents, [{ key: payment.id, value: JSON.stringify(assessment) }]);
    await kafka.publish('FraudAssessed', payment.id, rejected);
    await kafka.publish('StockRejected', payment.id, { items, reason: 'UNKNOWN_SKU', skus: ['SKU-1'] });
    const events = await settled(payment.id, [Topics.FraudEvents, Topics.InventoryEvents]);

    expect(await getPayment(payment.id)).toEqual(succeeded);
    expect(events.map((e) => e.type)).toEqual(['PaymentInitiated', 'PaymentSucceeded']);
  });

  it('applies an assessment and a reservation that arrive together, once each', async () => {
    const payments = await Promise.all(Array.from({ length: 6 }, (_, i) => initiate(`race${i}@okbank`, 'shop@okbank', { items })));
    await Promise.all(
      payments.flatMap((p) => [
        kafka.publish('FraudAssessed', p.id, approved),
        kafka.publish('StockReserved', p.id, { items }),
        fundsReserved(kafka, p),
      ]),
    );
    await eventually(async () => {
      for (const p of payments) expect((await getPayment(p.id)).status).toBe('SUCCEEDED');
    });
    for (const p of payments) {
      const events = await settled(p.id, [Topics.FraudEvents, Topics.InventoryEvents]);
      expect(events.map((e) => e.type)).toEqual(['PaymentInitiated', 'PaymentSucceeded']);
    }
  });

  it('waits for the funds: an approved payment stays PENDING until the ledger holds its amount', async () => {
    const payment = await initiate('lena@okbank', 'moe@okbank');
    await kafka.publish('FraudAssessed', payment.id, approved);
    const approvedOnly = await eventually(async () => {
      const current = await getPayment(payment.id);
      expect(current.fraud).toMatchObject({ decision: 'APPROVED' });
      return current;
    });
    expect(approvedOnly.status).toBe('PENDING');
    await fundsReserved(kafka, payment);
    await eventually(async () => expect((await getPayment(payment.id)).status).toBe('SUCCEEDED'));
  });

  it.each(['INSUFFICIENT_FUNDS', 'DAILY_LIMIT_EXCEEDED', 'ACCOUNT_CLOSED'] as const)(
    'fails %s as soon as the ledger refuses the funds, and a later approval changes nothing',
    async (reason) => {
      const payment = await initiate(`poor-${reason.toLowerCase().replaceAll('_', '-')}@okbank`, 'moe@okbank');
      await fundsRejected(kafka, payment, reason);
      const failed = await eventually(async () => {
        const current = await getPayment(payment.id);
        expect(current.status).toBe('FAILED');
        return current;
      });
      expect(failed).toMatchObject({ failureReason: reason, fraud: null });
      await kafka.publish('FraudAssessed', payment.id, approved);
      await fundsReserved(kafka, payment);
      const events = await settled(payment.id, [Topics.FraudEvents, Topics.LedgerEvents]);
      expect(await getPayment(payment.id)).toEqual(failed);
      expect(events.map((e) => e.type)).toEqual(['PaymentInitiated', 'PaymentFailed']);
      expect(events[1].payload).toMatchObject({ failureReason: reason });
    },
  );

  it('dead-letters a fact about a payment it does not know', async () => {
    const unknownId = randomUUID();
    await kafka.publish('FraudAssessed', unknownId, approved);
    const parked = await kafka.read(deadLetterTopic('payments'), (m) => m.some((x) => x.key === unknownId));
    const mine = parked.find((m) => m.key === unknownId)!;
    expect(mine.headers['dlq-error']).toContain(`payment ${unknownId} is unknown`);
    expect(mine.headers['dlq-attempts']).toBe('1');
  });

  describe('rejects a bad body with 400 naming the field, and creates nothing', () => {
    const payer = 'badbody@okbank';
    const valid = { payerVpa: payer, payeeVpa: 'bob@okbank', amount: '10.00', currency: 'INR' };
    const badBodies: Array<[string, unknown, string[]]> = [
      ['amount as a number', { ...valid, amount: 125.5 }, ['amount']],
      ['amount below 1.00', { ...valid, amount: '0.99' }, ['amount']],
      ['amount above 100000.00', { ...valid, amount: '100000.01' }, ['amount']],
      ['three decimals', { ...valid, amount: '1.999' }, ['amount']],
      ['a short VPA', { ...valid, payeeVpa: 'ab@okbank' }, ['payeeVpa']],
      ['paying oneself', { ...valid, payeeVpa: 'BADBODY@okbank' }, ['payeeVpa']],
      ['another currency', { ...valid, currency: 'USD' }, ['currency']],
      ['a long note', { ...valid, note: 'n'.repeat(51) }, ['note']],
      ['a duplicate sku', { ...valid, items: [...items, ...items] }, ['items.1.sku']],
      ['21 items', { ...valid, items: Array.from({ length: 21 }, (_, i) => ({ sku: `S${i}`, quantity: 1 })) }, ['items']],
      ['an unknown field', { ...valid, status: 'SUCCEEDED' }, ['status']],
      ['several problems', { ...valid, amount: '0', currency: 'EUR', extra: 1 }, ['amount', 'currency', 'extra']],
      ['a body that is an array', [valid], ['body']],
      ['a JSON string', '"text"', ['body']],
    ];
    const notObjects: Array<[string, string]> = [
      ['application/json', '{"payerVpa": '],
      ['application/json', ''],
    ];
    // Bodies that are not JSON at all are refused before they are read: 415 (its code: hardening.int-spec.ts).
    const notJson: Array<[string, string]> = [
      ['text/plain', 'hello'],
      ['application/xml', '<payment/>'],
    ];

    it.each(badBodies)('%s', async (_, body, fields) => {
      const { status, body: answer } = await post(body);
      expect(status).toBe(400);
      for (const field of fields) expect(answer.message).toContain(`${field}:`);
    });

    it.each(notObjects)('a body that is not a JSON object (%s %j)', async (contentType, text) => {
      const { status, body } = await post(text, contentType);
      expect(status).toBe(400);
      expect(body.message).toMatch(/body/i);
    });

    it('and none of them created a payment', async () => {
      // Sent here, not left to the cases above: the count before and after is about these requests alone.
      const before = await paymentCount();
      const statuses = [
        ...(await Promise.all(badBodies.map(([, body]) => post(body)))),
        ...(await Promise.all(notObjects.map(([contentType, text]) => post(text, contentType)))),
      ].map((answer) => answer.status);
      const notJsonStatuses = (await Promise.all(notJson.map(([contentType, text]) => post(text, contentType)))).map((a) => a.status);
      expect(await paymentCount()).toBe(before);
      expect(statuses).toEqual(statuses.map(() => 400));
      expect(notJsonStatuses).toEqual(notJson.map(() => 415));
    });
  });

  it('answers 404 for an unknown id and for one that is not a UUID', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const answer = await api.request('GET', `/v1/payments/${id}`, await api.asOperator());
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe('PAYMENT.NOT_FOUND');
    }
  });

  it('pages through payments newest first, each exactly once, filtered by VPA and status', async () => {
    const mine: PaymentView[] = [];
    for (let i = 0; i < 4; i++) mine.push(await initiate('kim@okbank', `shop${i}@okbank`));
    for (let i = 0; i < 3; i++) mine.push(await initiate(`friend${i}@okbank`, 'kim@okbank'));
    await initiate('stranger@okbank', 'other@okbank');
    const newestFirst = [...mine].reverse().map((p) => p.id);

    // payments that arrive while paging come before the first page and are not seen
    const seen = await listAll('vpa=KIM@okbank&limit=2', () => initiate('kim@okbank', 'late@okbank').then(() => undefined));
    expect(seen.map((p) => p.id)).toEqual(newestFirst);

    const failed = mine[2];
    await kafka.publish('FraudAssessed', failed.id, rejected);
    await eventually(async () => expect((await getPayment(failed.id)).status).toBe('FAILED'));
    expect((await listAll('vpa=kim@okbank&status=FAILED&limit=1')).map((p) => p.id)).toEqual([failed.id]);
    const pending = await listAll('vpa=kim@okbank&status=PENDING&limit=3');
    expect(pending.map((p) => p.id)).toEqual(expect.arrayContaining(newestFirst.filter((id) => id !== failed.id)));
    expect(pending.map((p) => p.id)).not.toContain(failed.id);

    // the unfiltered list holds every one of them exactly once
    const everything = (await listAll('limit=100')).map((p) => p.id);
    expect(new Set(everything).size).toBe(everything.length);
    expect(everything).toEqual(expect.arrayContaining(newestFirst));
  });

  it('rejects bad query parameters with 400 naming each', async () => {
    const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00Z', 'x'])).toString('base64url');
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['status=DONE', 'status'],
      ['vpa=x', 'vpa'],
      ['cursor=garbage', 'cursor'],
      [`cursor=${forged}`, 'cursor'],
      ['sort=asc', 'sort'],
    ]) {
      const answer = await api.request('GET', `/v1/payments?${query}`, await api.asOperator());
      expect(answer.status).toBe(400);
      expect(answer.body.message).toContain(field);
    }
  });

  it('documents its API', async () => {
    const response = await fetch(`${service.url}/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/payments', '/v1/payments/{id}', '/v1/payments/{id}/timeline']),
    );
  });
});
