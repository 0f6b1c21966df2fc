import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createEvent, deadLetterTopic, PayloadOf, Topics } from '@app/contracts';
import { eventually } from '../../../test/support/eventually';
import { testEnv } from '../../../test/support/env';
import { bearer, deregister, newUser, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { PaymentView } from '../src/payment.view';
import { PaymentsModule } from '../src/payments.module';
import { fundsReserved, linkVpaAt, PaymentsApi, publishedEvents, unlinkVpa, untilHeld, userHolding } from './support/payments-api';

/*
 * Who may do what (access.md): a user pays only from a VPA of theirs, to a VPA linked to someone;
 * a payment is seen by its payer's and its payee's user, and by operators; nobody else learns it
 * exists. The users service is left out: its events are published here as it would publish them.
 */
const env = testEnv('payments-access', { PAYMENT_TIMEOUT_S: '3600' });
const kafka = new TestKafka(env);
let service: RunningService;
let api: PaymentsApi;
let operator: TestUser;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

const approved: PayloadOf<'FraudAssessed'> = { decision: 'APPROVED', score: 5, reasons: [], assessedAt: new Date().toISOString() };
const rejected: PayloadOf<'FraudAssessed'> = {
  decision: 'REJECTED',
  score: 90,
  reasons: ['BLOCKLISTED'],
  assessedAt: new Date().toISOString(),
};
const bodyOf = (payerVpa: string, payeeVpa: string, extra: Record<string, unknown> = {}) => ({
  payerVpa,
  payeeVpa,
  amount: '125.50',
  currency: 'INR',
  ...extra,
});

async function paymentCount(): Promise<number> {
  const [{ n }] = await service.app.get(DataSource).query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM payments');
  return n;
}

/** Every payment id a caller lists for a query, through every page. */
async function listed(as: TestUser, query = '', limit = 100): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const answer = await api.request(
      'GET',
      `/v1/payments?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`,
      as,
    );
    expect(answer.status).toBe(200);
    const page = answer.body as unknown as { data: PaymentView[]; nextCursor: string | null };
    ids.push(...page.data.map((p) => p.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

/**
 * Waits until the service has applied everything published so far about these users: a poison
 * message behind their events (same key, so the same partition) reaching the dead-letter topic.
 */
async function usersSettled(...userIds: string[]): Promise<void> {
  const barrier = `barrier-${randomUUID()}`;
  await kafka.send(
    Topics.UserEvents,
    userIds.map((key) => ({ key, value: barrier })),
  );
  await kafka.read(deadLetterTopic('payments'), (m) => m.filter((x) => x.value === barrier).length === userIds.length);
}

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Payments', description: '', module: PaymentsModule.forRoot(config) });
  api = new PaymentsApi(service, kafka);
  [operator, alice, bob, carol] = await Promise.all([
    api.asOperator(),
    userHolding(kafka, service, ['alice@okbank', 'alice@ybl']),
    userHolding(kafka, service, ['bob@okbank']),
    userHolding(kafka, service, ['carol@okbank']),
  ]);
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

describe('payments access', () => {
  it('refuses every payments route without a valid token with 401 and WWW-Authenticate: Bearer; health and docs stay open', async () => {
    const id = randomUUID();
    const before = await paymentCount();
    const garbled = { ...alice, headers: bearer(`${alice.token.slice(0, -4)}AAAA`) };
    for (const [as, code] of [
      [null, 'AUTH.TOKEN_MISSING'],
      [garbled, 'AUTH.TOKEN_INVALID'],
    ] as const) {
      for (const [method, path] of [
        ['POST', '/v1/payments'],
        ['GET', '/v1/payments'],
        ['GET', '/v1/payments?vpa=alice@okbank'],
        ['GET', `/v1/payments/${id}`],
        ['GET', `/v1/payments/${id}/timeline`],
      ]) {
        const answer = await api.request(method, path, as, method === 'POST' ? bodyOf('alice@okbank', 'bob@okbank') : undefined);
        expect([method, path, answer.status, answer.body.code]).toEqual([method, path, 401, code]);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
      }
    }
    expect(await paymentCount()).toBe(before);
    expect((await api.request('GET', '/health/ready', null)).status).toBe(200);
    expect((await api.request('GET', '/docs-json', null)).status).toBe(200);
  });

  it('lets the payer and the payee read a payment and its timeline, and operators; anyone else gets 404 as for an unknown id', async () => {
    const payment = await api.initiate(bodyOf('Alice@OKBANK', 'bob@okbank'), {}, alice);
    await fundsReserved(kafka, payment);
    await kafka.publish('FraudAssessed', payment.id, approved);
    await eventually(async () => expect((await api.get(payment.id, alice)).status).toBe('SUCCEEDED'));

    for (const reader of [alice, bob, operator]) {
      expect(await api.get(payment.id, reader)).toMatchObject({ id: payment.id, status: 'SUCCEEDED' });
      expect((await api.timelineOf(payment.id, reader)).steps.map((s) => s.step)).toEqual([
        'initiated',
        'funds reserved',
        'assessed',
        'succeeded',
      ]);
    }
    expect(await api.listOf('alice@okbank', operator)).toContainEqual(expect.objectContaining({ id: payment.id }));

    const unknown = randomUUID();
    for (const path of ['', '/timeline']) {
      const refused = await api.request('GET', `/v1/payments/${payment.id}${path}`, carol);
      const missing = await api.request('GET', `/v1/payments/${unknown}${path}`, carol);
      expect(refused.status).toBe(404);
      expect(refused.body).toEqual({ ...missing.body, message: (missing.body.message as string).replace(unknown, payment.id) });
      expect(refused.body).toMatchObject({ code: 'PAYMENT.NOT_FOUND' });
    }
    const listing = await api.request('GET', '/v1/payments?vpa=alice@okbank', carol);
    expect(listing.status).toBe(404);
    expect(listing.body).toMatchObject({ code: 'VPA.NOT_FOUND' });
    expect(JSON.stringify(listing.body)).not.toContain(payment.id);
  });

  it('puts the payer and the payee user on every lifecycle event', async () => {
    const succeeded = await api.initiate(bodyOf('alice@ybl', 'bob@okbank'), {}, alice);
    const failed = await api.initiate(bodyOf('bob@okbank', 'carol@okbank'), {}, bob);
    await fundsReserved(kafka, succeeded);
    await kafka.publish('FraudAssessed', succeeded.id, approved);
    await kafka.publish('FraudAssessed', failed.id, rejected);
    await eventually(async () => expect((await api.get(failed.id)).status).toBe('FAILED'));
    await eventually(async () => expect((await api.get(succeeded.id)).status).toBe('SUCCEEDED'));

    const events = await publishedEvents(kafka, service, [succeeded.id, failed.id]);
    const parties = (id: string) => events.get(id)!.map((e) => [e.type, e.schemaVersion, e.payload]);
    const of = (payer: TestUser, payee: TestUser): unknown =>
      expect.objectContaining({ payerUserId: payer.userId, payeeUserId: payee.userId });
    expect(parties(succeeded.id)).toEqual([
      ['PaymentInitiated', 2, of(alice, bob)],
      ['PaymentSucceeded', 2, of(alice, bob)],
    ]);
    expect(parties(failed.id)).toEqual([
      ['PaymentInitiated', 2, of(bob, carol)],
      ['PaymentFailed', 2, of(bob, carol)],
    ]);
  });

  it('refuses a payment from a VPA that is not the caller’s (403 VPA.NOT_OWNED) and to one nobody holds (422 PAYEE.UNKNOWN), creating nothing', async () => {
    const before = await paymentCount();
    for (const [as, body] of [
      [alice, bodyOf('bob@okbank', 'carol@okbank')],
      [alice, bodyOf('nobody@okbank', 'bob@okbank')],
      [operator, bodyOf('alice@okbank', 'bob@okbank')],
      [alice, bodyOf('bob@okbank', 'nobody@okbank')],
    ] as const) {
      const answer = await api.post(body, {}, as);
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ statusCode: 403, code: 'VPA.NOT_OWNED' });
    }
    const unknownPayee = await api.post(bodyOf('alice@okbank', 'nobody@okbank'), {}, alice);
    expect(unknownPayee.status).toBe(422);
    expect(unknownPayee.body).toMatchObject({ statusCode: 422, code: 'PAYEE.UNKNOWN' });
    expect(unknownPayee.body.message).toMatch(/linked a moment ago.*retry/);
    expect(await paymentCount()).toBe(before);
  });

  it('lists for a user the payments they are a party to, and of a VPA only one they hold', async () => {
    const dave = await userHolding(kafka, service, ['dave@okbank', 'dave@ybl']);
    const sent = await api.initiate(bodyOf('dave@okbank', 'bob@okbank'), {}, dave);
    const received = await api.initiate(bodyOf('carol@okbank', 'dave@ybl'), {}, carol);
    const toSelf = await api.initiate(bodyOf('dave@ybl', 'dave@okbank'), {}, dave);
    const others = await api.initiate(bodyOf('bob@okbank', 'carol@okbank'), {}, bob);

    // newest first, each exactly once (the payment to themself too), page after page
    expect(await listed(dave, '', 1)).toEqual([toSelf.id, received.id, sent.id]);
    expect(await listed(dave, 'vpa=DAVE@ybl')).toEqual([toSelf.id, received.id]);
    expect(await listed(dave, 'vpa=dave@okbank&status=PENDING')).toEqual([toSelf.id, sent.id]);
    for (const vpa of ['bob@okbank', 'nobody@okbank']) {
      const answer = await api.request('GET', `/v1/payments?vpa=${vpa}`, dave);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'VPA.NOT_FOUND' });
    }
    expect(await listed(carol)).toEqual(expect.arrayContaining([received.id, others.id]));
    expect(await listed(carol)).not.toContain(sent.id);
    expect(await listed(operator)).toEqual(expect.arrayContaining([sent.id, received.id, toSelf.id, others.id]));
    expect(await listed(operator, 'vpa=bob@okbank')).toEqual(expect.arrayContaining([sent.id, others.id]));
  });

  it('keeps a payment its parties’ after a VPA is unlinked; the VPA’s next holder sees none of it', async () => {
    const erin = await userHolding(kafka, service, ['shared@okbank']);
    const old = await api.initiate(bodyOf('shared@okbank', 'bob@okbank'), {}, erin);
    await unlinkVpa(kafka, erin.userId, 'shared@okbank');
    const frank = await newUser();
    await linkVpaAt(kafka, frank.userId, 'shared@okbank');
    await untilHeld(service, { 'shared@okbank': frank.userId });
    const fresh = await api.initiate(bodyOf('shared@okbank', 'bob@okbank'), {}, frank);

    expect(await api.get(old.id, erin)).toMatchObject({ id: old.id, payerVpa: 'shared@okbank' });
    expect(await listed(erin)).toEqual([old.id]);
    expect((await api.request('GET', '/v1/payments?vpa=shared@okbank', erin)).status).toBe(404);
    expect((await api.post(bodyOf('shared@okbank', 'bob@okbank'), {}, erin)).body).toMatchObject({ code: 'VPA.NOT_OWNED' });

    expect(await listed(frank, 'vpa=shared@okbank')).toEqual([fresh.id]);
    expect((await api.request('GET', `/v1/payments/${old.id}`, frank)).status).toBe(404);
    expect(await listed(bob, 'vpa=bob@okbank')).toEqual(expect.arrayContaining([old.id, fresh.id]));
  });

  it('knows a VPA unlinked by one user and then linked by another as the latter’s, whatever order the events arrive in', async () => {
    const [a, b] = await Promise.all([newUser(), newUser()]);
    const t = Date.now();
    const [linkedByA, unlinkedByA, linkedByB] = [new Date(t - 3000), new Date(t - 2000), new Date(t - 1000)];
    // swap1: B's link first, then A's; swap2: A's link, B's link, then A's unlink
    await linkVpaAt(kafka, b.userId, 'swap1@okbank', linkedByB);
    await untilHeld(service, { 'swap1@okbank': b.userId });
    await linkVpaAt(kafka, a.userId, 'swap1@okbank', linkedByA);
    await unlinkVpa(kafka, a.userId, 'swap1@okbank', unlinkedByA);
    await linkVpaAt(kafka, a.userId, 'swap2@okbank', linkedByA);
    await untilHeld(service, { 'swap2@okbank': a.userId });
    await linkVpaAt(kafka, b.userId, 'swap2@okbank', linkedByB);
    await untilHeld(service, { 'swap2@okbank': b.userId });
    await unlinkVpa(kafka, a.userId, 'swap2@okbank', unlinkedByA);
    // and again, later: nothing older changes anything
    await linkVpaAt(kafka, a.userId, 'swap2@okbank', linkedByA);
    await usersSettled(a.userId, b.userId);

    await untilHeld(service, { 'swap1@okbank': b.userId, 'swap2@okbank': b.userId });
    for (const vpa of ['swap1@okbank', 'swap2@okbank']) {
      expect((await api.post(bodyOf(vpa, 'bob@okbank'), {}, a)).status).toBe(403);
      expect((await api.post(bodyOf(vpa, 'bob@okbank'), {}, b)).status).toBe(202);
    }
  });

  it('no longer lets anyone pay a de-registered user, and refuses their token (scenario 6)', async () => {
    const gina = await userHolding(kafka, service, ['gina@okbank']);
    const hal = await userHolding(kafka, service, ['hal@okbank']);
    const before = await api.initiate(bodyOf('alice@okbank', 'gina@okbank'), {}, alice);
    expect(await api.get(before.id, gina)).toMatchObject({ id: before.id });

    // as the users service does it: each VPA unlinked, then the user de-registered
    const at = new Date();
    await unlinkVpa(kafka, gina.userId, 'gina@okbank', at);
    await deregister(kafka, gina.userId, ['gina@okbank']);
    // a de-registration alone also releases what the user still held
    await kafka.send(Topics.UserEvents, [
      {
        key: hal.userId,
        value: JSON.stringify(createEvent('UserDeregistered', hal.userId, { vpas: [], deregisteredAt: new Date().toISOString() }, 'users')),
      },
    ]);

    await untilHeld(service, { 'gina@okbank': null, 'hal@okbank': null });
    for (const payee of ['gina@okbank', 'hal@okbank']) {
      const answer = await api.post(bodyOf('alice@okbank', payee), {}, alice);
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ code: 'PAYEE.UNKNOWN' });
    }
    await eventually(async () => {
      const answer = await api.request('GET', `/v1/payments/${before.id}`, gina);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    });
    // the payment stays, for its payer
    expect(await api.get(before.id, alice)).toMatchObject({ id: before.id, payeeVpa: 'gina@okbank' });
  });
});
