import { randomUUID } from 'node:crypto';
import { eventually } from '../support/eventually';
import { testEnv } from '../support/env';
import { getNotifications, getPayment, getPayments, getSummary, postPayment } from './support/api';
import { call } from './support/client';
import { RunningSystem, startSystem } from './support/system';

/*
 * The contract's acceptance scenarios, run against the five services as separate processes on the
 * real broker and database, started with FRAUD_BLOCKED_VPAS=mallory@okbank.
 */
let system: RunningSystem;
const api = {
  payments: (path = '') => `${system.urls.payments}/v1/payments${path}`,
  product: (sku: string) => `${system.urls.inventory}/v1/inventory/products/${sku}`,
  notifications: (vpa: string) => `${system.urls.notifications}/v1/notifications?vpa=${encodeURIComponent(vpa)}&limit=100`,
  summary: () => `${system.urls.analytics}/v1/analytics/summary`,
  assessment: (id: string) => `${system.urls.fraud}/v1/fraud/assessments/${id}`,
};

/** A payer that has never paid before, so tests do not share velocity history. */
const newPayer = (name: string) => `${name}.${randomUUID().slice(0, 8)}@okbank`;

async function pay(body: Record<string, unknown>) {
  const response = await postPayment(api.payments(), { currency: 'INR', ...body });
  expect(response.status).toBe(202);
  expect(response.body.status).toBe('PENDING');
  return response.body;
}

async function finalPayment(id: string) {
  return eventually(async () => {
    const { status, body } = await getPayment(api.payments(`/${id}`));
    expect(status).toBe(200);
    expect(body.status).not.toBe('PENDING');
    return body;
  }, 60000);
}

async function notificationsOf(vpa: string) {
  const { status, body } = await getNotifications(api.notifications(vpa));
  expect(status).toBe(200);
  return body.data;
}

async function setStock(sku: string, stock: number) {
  const { status } = await call('PUT', api.product(sku), { name: `Product ${sku}`, stock });
  expect([200, 201]).toContain(status);
}

beforeAll(async () => {
  system = await startSystem(testEnv('e2e', { FRAUD_BLOCKED_VPAS: 'mallory@okbank', LOG_LEVEL: 'info' }));
});

afterAll(async () => {
  await system?.stop();
});

describe('1. a clean payment succeeds', () => {
  it('alice pays bob 125.50: SUCCEEDED, both notified, counted once by analytics', async () => {
    const before = (await getSummary(api.summary())).body;
    const alice = newPayer('alice');
    const bob = newPayer('bob');
    const { id } = await pay({ payerVpa: alice, payeeVpa: bob, amount: '125.50', note: 'lunch' });

    const payment = await finalPayment(id);
    expect(payment).toMatchObject({ status: 'SUCCEEDED', failureReason: null, amount: '125.50', note: 'lunch' });
    expect(payment.fraud).toMatchObject({ decision: 'APPROVED', reasons: [] });
    expect(payment.completedAt).not.toBeNull();

    await eventually(async () => {
      expect(await notificationsOf(alice)).toEqual([expect.objectContaining({ paymentId: id, type: 'PAYMENT_SENT' })]);
      expect(await notificationsOf(bob)).toEqual([expect.objectContaining({ paymentId: id, type: 'PAYMENT_RECEIVED' })]);
    });
    await eventually(async () => {
      const after = (await getSummary(api.summary())).body;
      expect(after.succeeded).toBe(before.succeeded + 1);
      expect(after.initiated).toBe(before.initiated + 1);
      expect(toPaise(after.succeededVolume) - toPaise(before.succeededVolume)).toBe(12550);
      expect(after.initiated).toBe(after.succeeded + after.failed + after.pending);
    });
  });
});

describe('2. a blocklisted payer is rejected', () => {
  it('mallory pays bob: FAILED FRAUD_REJECTED with BLOCKLISTED; only mallory is told', async () => {
    const bob = newPayer('bob');
    const { id } = await pay({ payerVpa: 'mallory@okbank', payeeVpa: bob, amount: '10.00' });
    const payment = await finalPayment(id);
    expect(payment).toMatchObject({ status: 'FAILED', failureReason: 'FRAUD_REJECTED' });
    expect(payment.fraud?.reasons).toContain('BLOCKLISTED');
    expect((await call('GET', api.assessment(id))).body).toMatchObject({ paymentId: id, decision: 'REJECTED' });

    await eventually(async () => {
      const mine = (await notificationsOf('mallory@okbank')).filter((n) => n.paymentId === id);
      expect(mine).toEqual([expect.objectContaining({ type: 'PAYMENT_FAILED' })]);
    });
    expect(await notificationsOf(bob)).toEqual([]);
  });
});

describe('3. stock is reserved and committed, and an oversized order fails', () => {
  it('SKU-1 with stock 3: 2 succeed (stock 1), then 2 more fail OUT_OF_STOCK (still stock 1)', async () => {
    const sku = `SKU-1-${randomUUID().slice(0, 8)}`;
    await setStock(sku, 3);
    const first = await pay({ payerVpa: newPayer('carol'), payeeVpa: 'shop@okbank', amount: '50.00', items: [{ sku, quantity: 2 }] });
    expect(await finalPayment(first.id)).toMatchObject({ status: 'SUCCEEDED' });
    await eventually(async () => expect((await call('GET', api.product(sku))).body).toMatchObject({ stock: 1, reserved: 0, available: 1 }));

    const second = await pay({ payerVpa: newPayer('carol'), payeeVpa: 'shop@okbank', amount: '50.00', items: [{ sku, quantity: 2 }] });
    expect(await finalPayment(second.id)).toMatchObject({ status: 'FAILED', failureReason: 'OUT_OF_STOCK' });
    expect((await call('GET', api.product(sku))).body).toMatchObject({ stock: 1, reserved: 0 });
  });
});

describe('4. a reservation is compensated when fraud rejects', () => {
  it('mallory buys 1 × SKU-2: FAILED FRAUD_REJECTED, and SKU-2 is back to stock 5, reserved 0', async () => {
    const sku = `SKU-2-${randomUUID().slice(0, 8)}`;
    await setStock(sku, 5);
    const { id } = await pay({ payerVpa: 'mallory@okbank', payeeVpa: 'shop@okbank', amount: '20.00', items: [{ sku, quantity: 1 }] });
    expect(await finalPayment(id)).toMatchObject({ status: 'FAILED', failureReason: 'FRAUD_REJECTED' });
    await eventually(async () => expect((await call('GET', api.product(sku))).body).toMatchObject({ stock: 5, reserved: 0 }));
  });
});

describe('5. velocity', () => {
  it('dave makes 12 payments within seconds: exactly 2 fail with VELOCITY', async () => {
    const dave = newPayer('dave');
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push((await pay({ payerVpa: dave, payeeVpa: 'shop@okbank', amount: '1.00' })).id);
    const finals = await Promise.all(ids.map(finalPayment));
    const velocity = finals.filter((p) => p.status === 'FAILED' && p.fraud?.reasons.includes('VELOCITY'));
    expect(velocity).toHaveLength(2);
    expect(finals.filter((p) => p.status === 'SUCCEEDED')).toHaveLength(10);
  });

  it('12 simultaneous payments from one payer: exactly 2 VELOCITY rejections', async () => {
    const erin = newPayer('erin');
    const created = await Promise.all(Array.from({ length: 12 }, () => pay({ payerVpa: erin, payeeVpa: 'shop@okbank', amount: '1.00' })));
    const finals = await Promise.all(created.map((p) => finalPayment(p.id)));
    expect(finals.filter((p) => p.fraud?.reasons.includes('VELOCITY'))).toHaveLength(2);
  });
});

describe('concurrency: stock is never oversold', () => {
  it('available 10 and 50 simultaneous one-unit payments: exactly 10 succeed', async () => {
    const sku = `HOT-${randomUUID().slice(0, 8)}`;
    await setStock(sku, 10);
    const created = await Promise.all(
      Array.from({ length: 50 }, () =>
        pay({ payerVpa: newPayer('fan'), payeeVpa: 'shop@okbank', amount: '5.00', items: [{ sku, quantity: 1 }] }),
      ),
    );
    const finals = await Promise.all(created.map((p) => finalPayment(p.id)));
    expect(finals.filter((p) => p.status === 'SUCCEEDED')).toHaveLength(10);
    expect(finals.filter((p) => p.failureReason === 'OUT_OF_STOCK')).toHaveLength(40);
    await eventually(async () => expect((await call('GET', api.product(sku))).body).toMatchObject({ stock: 0, reserved: 0 }));
  });
});

describe('6. bad input', () => {
  const valid = { payerVpa: 'alice@okbank', payeeVpa: 'bob@okbank', amount: '10.00', currency: 'INR' };

  // Every body below is from alice@okbank (or has no payer), who makes no valid payment in this suite.
  it.each([
    ['amount as a number', { ...valid, amount: 10 }, 'amount'],
    ['amount with 3 decimals', { ...valid, amount: '1.001' }, 'amount'],
    ['amount below 1.00', { ...valid, amount: '0.99' }, 'amount'],
    ['amount above 100000.00', { ...valid, amount: '100000.01' }, 'amount'],
    ['a malformed payer VPA', { ...valid, payerVpa: 'al@okbank' }, 'payerVpa'],
    ['payee equal to payer', { ...valid, payeeVpa: 'ALICE@okbank' }, 'payeeVpa'],
    ['another currency', { ...valid, currency: 'USD' }, 'currency'],
    ['an unknown field', { ...valid, tip: '1.00' }, 'tip'],
    ['a long note', { ...valid, note: 'x'.repeat(51) }, 'note'],
    [
      'a duplicate sku',
      {
        ...valid,
        items: [
          { sku: 'A', quantity: 1 },
          { sku: 'A', quantity: 2 },
        ],
      },
      'items',
    ],
    ['a zero quantity', { ...valid, items: [{ sku: 'A', quantity: 0 }] }, 'items.0.quantity'],
    ['missing fields', {}, 'payerVpa'],
  ])('%s → 400 naming the field, and nothing is created', async (_name, body, field) => {
    const count = async () => (await getPayments(api.payments('?vpa=alice@okbank&limit=100'))).body.data.length;
    const before = await count();
    const response = await call('POST', api.payments(), body);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain(field);
    expect(await count()).toBe(before);
  });

  it('broken JSON → 400, a body that is not JSON → 415, never a 5xx', async () => {
    const response = await call('POST', api.payments(), undefined, '{"payerVpa": ');
    expect(response.status).toBe(400);
    const text = await fetch(api.payments(), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(415);
  });

  it('an unknown or malformed payment id → 404', async () => {
    expect((await call('GET', api.payments(`/${randomUUID()}`))).status).toBe(404);
    expect([400, 404]).toContain((await call('GET', api.payments('/not-a-uuid'))).status);
  });
});

function toPaise(amount: string): number {
  const [rupees, fraction = ''] = amount.split('.');
  return Number(rupees) * 100 + Number(fraction.padEnd(2, '0'));
}
