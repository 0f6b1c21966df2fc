import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { AnyPaymentEvent, createEvent, deadLetterTopic, LineItem, Topics } from '@app/contracts';
import { testEnv } from '../../../test/support/env';
import { newOperator, newUser, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { InventoryModule } from '../src/inventory.module';

const env = testEnv('inventory');
const kafka = new TestKafka(env);
const admin = new Kafka({ clientId: 'tests-admin', brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
let service: RunningService;
// Operators put products; any signed-in user reads them (access.int-spec.ts: everyone else is refused).
let operator: TestUser;
let user: TestUser;

const MARKER_SKU = 'MARKER';
const newSku = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;
const now = () => new Date().toISOString();
const initiated = (items: LineItem[]) => ({
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise: 12550,
  currency: 'INR' as const,
  items,
  createdAt: now(),
  payerUserId: null,
  payeeUserId: null,
});
const succeeded = (items: LineItem[]) => ({ ...initiated(items), completedAt: now() });
const failed = (items: LineItem[]) => ({ ...succeeded(items), failureReason: 'FRAUD_REJECTED' as const });

type Json = Record<string, unknown>;

async function put(sku: string, body: unknown, raw = false): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${service.url}/v1/inventory/products/${sku}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...operator.headers },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

async function product(sku: string): Promise<Json> {
  const response = await fetch(`${service.url}/v1/inventory/products/${sku}`, { headers: user.headers });
  expect(response.status).toBe(200);
  return (await response.json()) as Json;
}

/** Inventory's events for one payment, once `until` holds for them. */
function inventoryEvents(paymentId: string, until: (events: AnyPaymentEvent[]) => boolean) {
  return kafka.eventsOf(Topics.InventoryEvents, paymentId, until);
}

const hasType = (type: string) => (events: AnyPaymentEvent[]) => events.some((e) => e.type === type);

/**
 * Waits until the service has handled everything published so far under `key`: a marker payment
 * sent with the same key lands on the same partition, is handled after them, and its reservation
 * is committed after theirs. Lets a test assert that something did NOT happen without sleeping.
 */
async function handledUpTo(key: string): Promise<void> {
  const marker = randomUUID();
  const event = createEvent('PaymentInitiated', marker, initiated([{ sku: MARKER_SKU, quantity: 1 }]), 'tests');
  await kafka.send(Topics.PaymentEvents, [{ key, value: JSON.stringify(event) }]);
  await inventoryEvents(marker, hasType('StockReserved'));
}

/** How many messages a topic holds right now. */
async function messageCount(logicalTopic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(kafka.topic(logicalTopic));
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** Every event on the inventory topic right now (read up to the high watermarks), for one payment. */
async function allEventsOf(paymentId: string): Promise<string[]> {
  const total = await messageCount(Topics.InventoryEvents);
  const messages = await kafka.read(Topics.InventoryEvents, (seen) => seen.length >= total);
  expect(messages.length).toBeGreaterThanOrEqual(total);
  return messages.filter((m) => m.key === paymentId).map((m) => (JSON.parse(m.value!) as AnyPaymentEvent).type);
}

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Inventory', description: '', module: InventoryModule.forRoot(config) });
  await admin.connect();
  [operator, user] = await Promise.all([newOperator(), newUser()]);
  expect((await put(MARKER_SKU, { name: 'marker', stock: 1_000_000 })).status).toBe(201);
});

afterAll(async () => {
  await service?.close();
  await admin.disconnect();
  await kafka.close();
});

describe('inventory products API', () => {
  it('is ready when its database and Kafka are usable', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    expect(response.status).toBe(200);
  });

  it('creates a product with 201, replaces it with 200, and reports its stock', async () => {
    const sku = newSku('SKU');
    const created = await put(sku, { name: 'Tea', stock: 7 });
    expect(created).toEqual({ status: 201, body: { sku, name: 'Tea', stock: 7, reserved: 0, available: 7 } });

    const replaced = await put(sku, { name: 'Green tea', stock: 4 });
    expect(replaced).toEqual({ status: 200, body: { sku, name: 'Green tea', stock: 4, reserved: 0, available: 4 } });
    expect(await product(sku)).toEqual({ sku, name: 'Green tea', stock: 4, reserved: 0, available: 4 });
  });

  it.each([
    [{}, ['name', 'stock']],
    [{ name: '', stock: -1 }, ['name', 'stock']],
    [{ name: 'x'.repeat(201), stock: 1.5 }, ['name', 'stock']],
    [{ name: 'Tea', stock: '5' }, ['stock']],
    [{ name: 'Tea', stock: 2 ** 31 }, ['stock']],
    [{ name: 'Tea', stock: 1, colour: 'red' }, ['colour']],
    [[], ['body']],
  ])('rejects the body %j with 400 naming %j, and creates nothing', async (body, fields) => {
    const sku = newSku('BAD');
    const response = await put(sku, body);
    expect(response.status).toBe(400);
    for (const field of fields) expect(response.body.message).toContain(field);
    expect((await fetch(`${service.url}/v1/inventory/products/${sku}`, { headers: user.headers })).status).toBe(404);
  });

  it('rejects a body that is not JSON with 400', async () => {
    expect((await put(newSku('BAD'), '{"name": ', true)).status).toBe(400);
  });

  it.each(['bad%20sku', 'bad.sku', 'x'.repeat(65)])('rejects the sku %s with 400 naming it', async (sku) => {
    const response = await put(sku, { name: 'Tea', stock: 1 });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('sku');
    const get = await fetch(`${service.url}/v1/inventory/products/${sku}`, { headers: user.headers });
    expect(get.status).toBe(400);
  });

  it('answers 404 for an unknown product', async () => {
    const response = await fetch(`${service.url}/v1/inventory/products/${newSku('NONE')}`, { headers: user.headers });
    expect(response.status).toBe(404);
    expect(((await response.json()) as Json).code).toBe('PRODUCT.NOT_FOUND');
  });
});

describe('reservations', () => {
  it('reserves the items of an initiated payment and commits them when it succeeds', async () => {
    const sku = newSku('SKU');
    await put(sku, { name: 'Tea', stock: 3 });
    const paymentId = randomUUID();
    const items = [{ sku, quantity: 2 }];

    await kafka.publish('PaymentInitiated', paymentId, initiated(items));
    const [reserved] = await inventoryEvents(paymentId, hasType('StockReserved'));
    expect(reserved).toMatchObject({ type: 'StockReserved', producer: 'inventory', payload: { items } });
    expect(await product(sku)).toMatchObject({ stock: 3, reserved: 2, available: 1 });

    await kafka.publish('PaymentSucceeded', paymentId, succeeded(items));
    const events = await inventoryEvents(paymentId, hasType('StockCommitted'));
    expect(events.map((e) => e.type)).toEqual(['StockReserved', 'StockCommitted']);
    expect(await product(sku)).toMatchObject({ stock: 1, reserved: 0, available: 1 });
  });

  it('releases the reservation when the payment fails', async () => {
    const sku = newSku('SKU');
    await put(sku, { name: 'Tea', stock: 5 });
    const paymentId = randomUUID();
    const items = [{ sku, quantity: 1 }];

    await kafka.publish('PaymentInitiated', paymentId, initiated(items));
    await inventoryEvents(paymentId, hasType('StockReserved'));
    expect(await product(sku)).toMatchObject({ stock: 5, reserved: 1 });

    await kafka.publish('PaymentFailed', paymentId, failed(items));
    const events = await inventoryEvents(paymentId, hasType('StockReleased'));
    expect(events.map((e) => e.type)).toEqual(['StockReserved', 'StockReleased']);
    expect(await product(sku)).toMatchObject({ stock: 5, reserved: 0, available: 5 });
  });

  it('refuses to replace stock below what is reserved', async () => {
    const sku = newSku('SKU');
    await put(sku, { name: 'Tea', stock: 5 });
    const paymentId = randomUUID();
    await kafka.publish('PaymentInitiated', paymentId, initiated([{ sku, quantity: 3 }]));
    await inventoryEvents(paymentId, hasType('StockReserved'));

    const refused = await put(sku, { name: 'Tea', stock: 2 });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('PRODUCT.STOCK_BELOW_RESERVED');
    expect(await put(sku, { name: 'Tea', stock: 3 })).toMatchObject({ status: 200, body: { stock: 3, reserved: 3, available: 0 } });
  });

  it('rejects a payment with an unknown sku and reserves nothing', async () => {
    const known = newSku('SKU');
    const unknown = newSku('NONE');
    await put(known, { name: 'Tea', stock: 5 });
    const paymentId = randomUUID();

    await kafka.publish(
      'PaymentInitiated',
      paymentId,
      initiated([
        { sku: known, quantity: 1 },
        { sku: unknown, quantity: 1 },
      ]),
    );
    const [rejected] = await inventoryEvents(paymentId, hasType('StockRejected'));
    expect(rejected.payload).toMatchObject({ reason: 'UNKNOWN_SKU', skus: [unknown] });
    expect(await product(known)).toMatchObject({ stock: 5, reserved: 0 });
  });

  it('reserves all items or none: one short item rejects the whole payment', async () => {
    const plenty = newSku('SKU');
    const short = newSku('SKU');
    await put(plenty, { name: 'Tea', stock: 10 });
    await put(short, { name: 'Cups', stock: 1 });
    const paymentId = randomUUID();
    const items = [
      { sku: plenty, quantity: 2 },
      { sku: short, quantity: 2 },
    ];

    await kafka.publish('PaymentInitiated', paymentId, initiated(items));
    const [rejected] = await inventoryEvents(paymentId, hasType('StockRejected'));
    expect(rejected.payload).toEqual({ items, reason: 'INSUFFICIENT_STOCK', skus: [short] });
    expect(await product(plenty)).toMatchObject({ stock: 10, reserved: 0 });
    expect(await product(short)).toMatchObject({ stock: 1, reserved: 0 });

    // the payment then fails: there is nothing to release
    await kafka.publish('PaymentFailed', paymentId, { ...failed(items), failureReason: 'OUT_OF_STOCK' });
    await handledUpTo(paymentId);
    expect(await product(plenty)).toMatchObject({ stock: 10, reserved: 0 });
    expect(await allEventsOf(paymentId)).toEqual(['StockRejected']);
  });

  it('ignores a payment without items', async () => {
    const paymentId = randomUUID();
    await kafka.publish('PaymentInitiated', paymentId, initiated([]));
    await kafka.publish('PaymentSucceeded', paymentId, succeeded([]));
    await handledUpTo(paymentId);
    expect(await allEventsOf(paymentId)).toEqual([]);
  });

  it('changes nothing when events are redelivered, under the same or a new event id', async () => {
    const sku = newSku('SKU');
    await put(sku, { name: 'Tea', stock: 5 });
    const paymentId = randomUUID();
    const items = [{ sku, quantity: 2 }];
    const first = await kafka.publish('PaymentInitiated', paymentId, initiated(items));
    await inventoryEvents(paymentId, hasType('StockReserved'));
    const outcome = await kafka.publish('PaymentSucceeded', paymentId, succeeded(items));
    await inventoryEvents(paymentId, hasType('StockCommitted'));

    await kafka.send(Topics.PaymentEvents, [
      { key: paymentId, value: JSON.stringify(first) },
      { key: paymentId, value: JSON.stringify(outcome) },
    ]);
    await kafka.publish('PaymentInitiated', paymentId, initiated(items));
    await kafka.publish('PaymentSucceeded', paymentId, succeeded(items));
    await kafka.publish('PaymentFailed', paymentId, failed(items));
    await handledUpTo(paymentId);

    expect(await product(sku)).toMatchObject({ stock: 3, reserved: 0 });
    expect(await allEventsOf(paymentId)).toEqual(['StockReserved', 'StockCommitted']);
    // recognised as done, not failed until dead-lettered (the constraints would also have refused them)
    expect(await messageCount(deadLetterTopic('inventory'))).toBe(0);
  });

  it('never oversells: 50 simultaneous one-unit payments for 10 units reserve exactly 10', async () => {
    const sku = newSku('HOT');
    await put(sku, { name: 'Limited edition', stock: 10 });
    const events = Array.from({ length: 50 }, () =>
      createEvent('PaymentInitiated', randomUUID(), initiated([{ sku, quantity: 1 }]), 'tests'),
    );
    const ids = new Set(events.map((e) => e.paymentId));
    await kafka.send(
      Topics.PaymentEvents,
      events.map((e) => ({ key: e.paymentId, value: JSON.stringify(e) })),
    );

    const outcomes = (await kafka.read(Topics.InventoryEvents, (seen) => seen.filter((m) => ids.has(m.key!)).length >= 50))
      .filter((m) => ids.has(m.key!))
      .map((m) => JSON.parse(m.value!) as AnyPaymentEvent);
    expect(new Set(outcomes.map((e) => e.paymentId)).size).toBe(50);
    const count = (what: (e: AnyPaymentEvent) => boolean) => outcomes.filter(what).length;
    expect({ reserved: count((e) => e.type === 'StockReserved'), rejected: count((e) => e.type === 'StockRejected') }).toEqual({
      reserved: 10,
      rejected: 40,
    });
    expect(count((e) => e.type === 'StockRejected' && e.payload.reason === 'INSUFFICIENT_STOCK')).toBe(40);
    expect(await product(sku)).toMatchObject({ stock: 10, reserved: 10, available: 0 });
  });
});
