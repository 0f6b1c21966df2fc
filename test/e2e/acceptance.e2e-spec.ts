import { randomUUID } from 'node:crypto';
import { eventually } from '../support/eventually';
import { testEnv } from '../support/env';
import { getNotifications, getPayment, getPayments, getSummary, Payment } from './support/api';
import { call } from './support/client';
import { Identities, payOnceKnown, Person, uniqueVpa } from './support/identities';
import { expectMoneyConserved } from './support/ledger';
import { RunningSystem, startSystem } from './support/system';

/*
 * The contract's acceptance scenarios (payments.md), run against the six services as separate
 * processes on the real broker and database, started with FRAUD_BLOCKED_VPAS=mallory@okbank. Every
 * request is made with a token of the users service (access.md): each payer is a user who
 * registered, signed in and linked the VPA they pay from; each payee's VPA is someone's.
 */
let system: RunningSystem;
let people: Identities;
let operator: Person;
const api = {
  payments: (path = '') => `${system.urls.payments}/v1/payments${path}`,
  product: (sku: string) => `${system.urls.inventory}/v1/inventory/products/${sku}`,
  notifications: (vpa: string) => `${system.urls.notifications}/v1/notifications?vpa=${encodeURIComponent(vpa)}&limit=100`,
  summary: () => `${system.urls.analytics}/v1/analytics/summary`,
  assessment: (id: string) => `${system.urls.fraud}/v1/fraud/assessments/${id}`,
};

/** Someone funded who has never paid before, with a VPA of their own, so tests do not share velocity history. */
const newPayer = (name: string) => funded(people.person(name, [uniqueVpa(name.toLowerCase())]));

const funded = (person: Promise<Person>, amount?: string) => people.funded(person, amount);

/** The holders of the VPAs the scenarios name, each registered and funded once, when first needed. */
const holders = new Map<string, Promise<Person>>();
const holderOf = (vpa: string) => {
  if (!holders.has(vpa)) holders.set(vpa, funded(people.person(vpa.split('@')[0], [vpa])));
  return holders.get(vpa)!;
};
const mallory = () => holderOf('mallory@okbank');
const shop = () => holderOf('shop@okbank');

/** `payer` pays from their first VPA (once payments knows the VPAs): 202 PENDING. */
async function pay(payer: Person, body: Record<string, unknown>, payerVpa = payer.vpas[0]) {
  const response = await payOnceKnown(system, payer, { payerVpa, ...body });
  expect(response.status).toBe(202);
  expect(response.body.status).toBe('PENDING');
  return response.body;
}

async function finalPayment(id: string, reader: Person): Promise<Payment> {
  return eventually(async () => {
    const { status, body } = await getPayment(api.payments(`/${id}`), reader.token);
    expect(status).toBe(200);
    expect(body.status).not.toBe('PENDING');
    return body;
  }, 60000);
}

async function notificationsOf(person: Person, vpa = person.vpas[0]) {
  const { status, body } = await getNotifications(api.notifications(vpa), person.token);
  expect(status).toBe(200);
  return body.data;
}

const summary = async () => (await getSummary(api.summary(), operator.token)).body;

async function setStock(sku: string, stock: number) {
  const { status } = await call('PUT', api.product(sku), { token: operator.token, body: { name: `Product ${sku}`, stock } });
  expect([200, 201]).toContain(status);
}

const product = async (sku: string) => (await call('GET', api.product(sku), { token: operator.token })).body;

beforeAll(async () => {
  system = await startSystem(testEnv('e2e', { FRAUD_BLOCKED_VPAS: 'mallory@okbank', LOG_LEVEL: 'info' }));
  people = new Identities(system);
  operator = await people.operator();
});

afterEach(async () => {
  await expectMoneyConserved(system, operator);
});

afterAll(async () => {
  await system?.stop();
});

describe('1. a clean payment succeeds', () => {
  it('alice pays bob 125.50: SUCCEEDED, both notified, counted once by analytics', async () => {
    const [alice, bob] = await Promise.all([newPayer('Alice'), newPayer('Bob')]);
    const before = await summary();
    const { id } = await pay(alice, { payeeVpa: bob.vpas[0], amount: '125.50', note: 'lunch' });

    const payment = await finalPayment(id, alice);
    expect(payment).toMatchObject({ status: 'SUCCEEDED', failureReason: null, amount: '125.50', note: 'lunch' });
    expect(payment.fraud).toMatchObject({ decision: 'APPROVED', reasons: [] });
    expect(payment.completedAt).not.toBeNull();

    await eventually(async () => {
      expect(await notificationsOf(alice)).toEqual([expect.objectContaining({ paymentId: id, type: 'PAYMENT_SENT' })]);
      expect(await notificationsOf(bob)).toEqual([expect.objectContaining({ paymentId: id, type: 'PAYMENT_RECEIVED' })]);
    });
    await eventually(async () => {
      const after = await summary();
      expect(after.succeeded).toBe(before.succeeded + 1);
      expect(after.initiated).toBe(before.initiated + 1);
      expect(toPaise(after.succeededVolume) - toPaise(before.succeededVolume)).toBe(12550);
      expect(after.initiated).toBe(after.succeeded + after.failed + after.pending);
    });
  });
});

describe('2. a blocklisted payer is rejected', () => {
  it('mallory pays bob: FAILED FRAUD_REJECTED with BLOCKLISTED; only mallory is told', async () => {
    const [payer, bob] = await Promise.all([mallory(), newPayer('Bob')]);
    const { id } = await pay(payer, { payeeVpa: bob.vpas[0], amount: '10.00' });
    const payment = await finalPayment(id, payer);
    expect(payment).toMatchObject({ status: 'FAILED', failureReason: 'FRAUD_REJECTED' });
    expect(payment.fraud?.reasons).toContain('BLOCKLISTED');
    expect((await call('GET', api.assessment(id), { token: operator.token })).body).toMatchObject({ paymentId: id, decision: 'REJECTED' });

    await eventually(async () => {
      const mine = (await notificationsOf(payer)).filter((n) => n.paymentId === id);
      expect(mine).toEqual([expect.objectContaining({ type: 'PAYMENT_FAILED' })]);
    });
    // Bob gets nothing: the operator sees none to him. His own view is a 404 while he has none at all
    // (notifications knows a VPA's holder only from the payments it told them of).
    const toBob = await getNotifications(api.notifications(bob.vpas[0]), operator.token);
    expect(toBob).toMatchObject({ status: 200, body: { data: [] } });
    const bobs = await getNotifications(api.notifications(bob.vpas[0]), bob.token);
    expect(bobs.status === 404 || (bobs.status === 200 && bobs.body.data.length === 0)).toBe(true);
  });
});

describe('3. stock is reserved and committed, and an oversized order fails', () => {
  it('SKU-1 with stock 3: 2 succeed (stock 1), then 2 more fail OUT_OF_STOCK (still stock 1)', async () => {
    const sku = `SKU-1-${randomUUID().slice(0, 8)}`;
    const [carol, carl, { vpas }] = await Promise.all([newPayer('Carol'), newPayer('Carl'), shop()]);
    await setStock(sku, 3);
    const first = await pay(carol, { payeeVpa: vpas[0], amount: '50.00', items: [{ sku, quantity: 2 }] });
    expect(await finalPayment(first.id, carol)).toMatchObject({ status: 'SUCCEEDED' });
    await eventually(async () => expect(await product(sku)).toMatchObject({ stock: 1, reserved: 0, available: 1 }));

    const second = await pay(carl, { payeeVpa: vpas[0], amount: '50.00', items: [{ sku, quantity: 2 }] });
    expect(await finalPayment(second.id, carl)).toMatchObject({ status: 'FAILED', failureReason: 'OUT_OF_STOCK' });
    expect(await product(sku)).toMatchObject({ stock: 1, reserved: 0 });
  });
});

describe('4. a reservation is compensated when fraud rejects', () => {
  it('mallory buys 1 × SKU-2: FAILED FRAUD_REJECTED, and SKU-2 is back to stock 5, reserved 0', async () => {
    const sku = `SKU-2-${randomUUID().slice(0, 8)}`;
    const [payer, { vpas }] = await Promise.all([mallory(), shop()]);
    await setStock(sku, 5);
    const { id } = await pay(payer, { payeeVpa: vpas[0], amount: '20.00', items: [{ sku, quantity: 1 }] });
    expect(await finalPayment(id, payer)).toMatchObject({ status: 'FAILED', failureReason: 'FRAUD_REJECTED' });
    await eventually(async () => expect(await product(sku)).toMatchObject({ stock: 5, reserved: 0 }));
  });
});

describe('5. velocity', () => {
  it('dave makes 12 payments within seconds: exactly 2 fail with VELOCITY', async () => {
    const [dave, { vpas }] = await Promise.all([newPayer('Dave'), shop()]);
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push((await pay(dave, { payeeVpa: vpas[0], amount: '1.00' })).id);
    const finals = await Promise.all(ids.map((id) => finalPayment(id, dave)));
    const velocity = finals.filter((p) => p.status === 'FAILED' && p.fraud?.reasons.includes('VELOCITY'));
    expect(velocity).toHaveLength(2);
    expect(finals.filter((p) => p.status === 'SUCCEEDED')).toHaveLength(10);
  });

  it('12 simultaneous payments from one payer: exactly 2 VELOCITY rejections', async () => {
    // Erin pays from her first VPA; a payment from her second, linked after it, shows that payments
    // knows both (it applies one user's events in their order) before the 12 go at once.
    const [erin, { vpas }] = await Promise.all([funded(people.person('Erin', [uniqueVpa('erin'), uniqueVpa('erin')]), '100.00'), shop()]);
    await pay(erin, { payeeVpa: vpas[0], amount: '1.00' }, erin.vpas[1]);
    const created = await Promise.all(Array.from({ length: 12 }, () => pay(erin, { payeeVpa: vpas[0], amount: '1.00' })));
    const finals = await Promise.all(created.map((p) => finalPayment(p.id, erin)));
    expect(finals.filter((p) => p.fraud?.reasons.includes('VELOCITY'))).toHaveLength(2);
  });
});

describe('concurrency: stock is never oversold', () => {
  it('available 10 and 50 simultaneous one-unit payments: exactly 10 succeed', async () => {
    const sku = `HOT-${randomUUID().slice(0, 8)}`;
    const { vpas } = await shop();
    // 50 payers: 10 fans with 5 VPAs each. A payment without items from each fan's last-linked VPA
    // shows that payments knows all five (it applies one user's events in their order) before the
    // 50 go at once; it leaves each VPA well under the velocity limit.
    const fans = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        funded(
          people.person(
            `Fan ${i}`,
            Array.from({ length: 5 }, () => uniqueVpa('fan')),
          ),
          '10.00',
        ),
      ),
    );
    await Promise.all(fans.map((fan) => pay(fan, { payeeVpa: vpas[0], amount: '1.00' }, fan.vpas[4])));
    const payers = fans.flatMap((fan) => fan.vpas.map((vpa) => ({ fan, vpa })));
    await setStock(sku, 10);

    const created = await Promise.all(
      payers.map(({ fan, vpa }) =>
        pay(fan, { payeeVpa: vpas[0], amount: '5.00', items: [{ sku, quantity: 1 }] }, vpa).then((p) => ({ fan, p })),
      ),
    );
    const finals = await Promise.all(created.map(({ fan, p }) => finalPayment(p.id, fan)));
    expect(finals.filter((p) => p.status === 'SUCCEEDED')).toHaveLength(10);
    expect(finals.filter((p) => p.failureReason === 'OUT_OF_STOCK')).toHaveLength(40);
    await eventually(async () => expect(await product(sku)).toMatchObject({ stock: 0, reserved: 0 }));
  });
});

describe('6. bad input', () => {
  const valid = { payerVpa: 'alice@okbank', payeeVpa: 'bob@okbank', amount: '10.00', currency: 'INR' };
  /** The holder of alice@okbank, who makes no valid payment in this suite. */
  let alice: Person;
  beforeAll(async () => {
    alice = await holderOf('alice@okbank');
  });
  // All of hers (by her user id: right after she linked alice@okbank, payments may not know it yet).
  const count = async () => (await getPayments(api.payments('?limit=100'), alice.token)).body.data.length;

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
    const before = await count();
    const response = await call('POST', api.payments(), { token: alice.token, body });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain(field);
    expect(await count()).toBe(before);
  });

  it('a body that is not JSON → 400, one that is not application/json → 415; never a 5xx, nothing created', async () => {
    const before = await count();
    expect((await call('POST', api.payments(), { token: alice.token, raw: '{"payerVpa": ' })).status).toBe(400);
    const text = await call('POST', api.payments(), { token: alice.token, raw: JSON.stringify(valid), contentType: 'text/plain' });
    expect(text.status).toBe(415);
    expect(await count()).toBe(before);
  });

  it('an unknown or malformed payment id → 404', async () => {
    expect((await call('GET', api.payments(`/${randomUUID()}`), { token: alice.token })).status).toBe(404);
    expect([400, 404]).toContain((await call('GET', api.payments('/not-a-uuid'), { token: alice.token })).status);
  });
});

function toPaise(amount: string): number {
  const [rupees, fraction = ''] = amount.split('.');
  return Number(rupees) * 100 + Number(fraction.padEnd(2, '0'));
}
