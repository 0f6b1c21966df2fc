import { DataSource } from 'typeorm';
import { PayloadOf } from '@app/contracts';
import { testEnv } from '../../../test/support/env';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { IdempotencyKeysRepository } from '../src/initiate-payment/idempotency-keys.repository';
import { PaymentsModule } from '../src/payments.module';
import { fundsReserved, PaymentsApi, publishedEvents, linkVpaAt, unlinkVpa, untilHeld, userHolding } from './support/payments-api';

/* POST /v1/payments with an Idempotency-Key: a retry gets the first answer and creates nothing. */
const env = testEnv('payments-idempotency', { PAYMENT_TIMEOUT_S: '3600' });
const kafka = new TestKafka(env);
let service: RunningService;
let api: PaymentsApi;

const approved: PayloadOf<'FraudAssessed'> = { decision: 'APPROVED', score: 5, reasons: [], assessedAt: new Date().toISOString() };
const bodyOf = (payer: string, extra: Record<string, unknown> = {}) => ({
  payerVpa: payer,
  payeeVpa: 'shop@okbank',
  amount: '125.50',
  currency: 'INR',
  ...extra,
});
const keyed = (key: string) => ({ 'Idempotency-Key': key });

/** How many payments the service has stored, whoever asked for them. */
async function paymentCount(): Promise<number> {
  const [{ n }] = await service.app.get(DataSource).query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM payments');
  return n;
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

describe('an Idempotency-Key', () => {
  it('makes a retry get the first answer again, and creates nothing more', async () => {
    const first = await api.post(bodyOf('retry@okbank', { note: 'rent' }), keyed('order-1'));
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const again = await api.post(bodyOf('retry@okbank', { note: 'rent' }), keyed('order-1'));
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    expect((await api.listOf('retry@okbank')).map((p) => p.id)).toEqual([first.body.id]);
    const events = await publishedEvents(kafka, service, [first.body.id as string]);
    expect(events.get(first.body.id as string)!.map((e) => e.type)).toEqual(['PaymentInitiated']);
  });

  it('compares the normalized body: field order, "1.5" and "1.50", the case of a VPA do not matter', async () => {
    const first = await api.initiate(bodyOf('norm@okbank', { amount: '1.5' }), keyed('k'));
    const { currency, amount, payeeVpa, payerVpa } = bodyOf('NORM@OKBANK', { amount: '1.50' });
    const again = await api.post({ currency, amount, payeeVpa, payerVpa }, keyed('k'));
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first);
    expect(await api.listOf('norm@okbank')).toHaveLength(1);
  });

  it('replays the answer as first given, also once the payment has moved on', async () => {
    const first = await api.initiate(bodyOf('later@okbank'), keyed('k-later'));
    await fundsReserved(kafka, first);
    await kafka.publish('FraudAssessed', first.id, approved);
    expect((await api.final(first.id)).status).toBe('SUCCEEDED');

    const again = await api.post(bodyOf('later@okbank'), keyed('k-later'));
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first);
  });

  it('answers 422 naming the conflict when the payer reuses it for a different request, and creates nothing', async () => {
    const first = await api.initiate(bodyOf('reuse@okbank'), keyed('k-reuse'));
    for (const different of [
      { amount: '125.51' },
      { payeeVpa: 'other@okbank' },
      { note: 'x' },
      { items: [{ sku: 'SKU-1', quantity: 1 }] },
    ]) {
      const answer = await api.post(bodyOf('reuse@okbank', different), keyed('k-reuse'));
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ statusCode: 422, code: 'IDEMPOTENCY_KEY.REUSED' });
      expect(answer.body.message).toContain('Idempotency-Key');
    }
    expect((await api.listOf('reuse@okbank')).map((p) => p.id)).toEqual([first.id]);
    // the first request is still recognised
    expect((await api.post(bodyOf('reuse@okbank'), keyed('k-reuse'))).body).toEqual(first);
  });

  it("is scoped to the payer's user: another user's key of the same text is another key, and reveals nothing", async () => {
    const mine = await api.initiate(bodyOf('scope1@okbank'), keyed('shared-key'));
    const theirs = await api.initiate(bodyOf('scope2@okbank', { amount: '9.99' }), keyed('shared-key'));
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs).toMatchObject({ payerVpa: 'scope2@okbank', amount: '9.99' });
    expect((await api.post(bodyOf('scope1@okbank'), keyed('shared-key'))).body).toEqual(mine);
    expect((await api.post(bodyOf('scope2@okbank', { amount: '9.99' }), keyed('shared-key'))).body).toEqual(theirs);

    // another user sending exactly my request with my key gets no replay of my payment: it is not their VPA
    const other = await api.holders.of('scope3@okbank');
    const copied = await api.post(bodyOf('scope1@okbank'), keyed('shared-key'), other);
    expect(copied.status).toBe(403);
    expect(copied.body).toMatchObject({ code: 'VPA.NOT_OWNED' });
    expect(JSON.stringify(copied.body)).not.toContain(mine.id);
    expect(copied.headers.get('idempotent-replayed')).toBeNull();
    expect((await api.listOf('scope1@okbank')).map((p) => p.id)).toEqual([mine.id]);
  });

  it('is one key for all the VPAs of one user: reused from another VPA of theirs, it is a different request (422)', async () => {
    const user = await userHolding(kafka, service, ['two1@okbank', 'two2@okbank']);
    await api.holders.of('shop@okbank');
    const first = await api.initiate(bodyOf('two1@okbank'), keyed('k-two'), user);
    const answer = await api.post(bodyOf('two2@okbank'), keyed('k-two'), user);
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ code: 'IDEMPOTENCY_KEY.REUSED' });
    expect((await api.post(bodyOf('two1@okbank'), keyed('k-two'), user)).body).toEqual(first);
    expect(await api.listOf('two2@okbank')).toEqual([]);
  });

  it('replays the first answer even once the payer VPA has been unlinked (the payment was made); a new key is refused', async () => {
    const user = await userHolding(kafka, service, ['gone@okbank']);
    await api.holders.of('shop@okbank');
    const first = await api.initiate(bodyOf('gone@okbank'), keyed('k-gone'), user);
    await unlinkVpa(kafka, user.userId, 'gone@okbank');
    await untilHeld(service, { 'gone@okbank': null });
    expect((await api.post(bodyOf('gone@okbank'), keyed('k-new'), user)).body).toMatchObject({ code: 'VPA.NOT_OWNED' });

    const again = await api.post(bodyOf('gone@okbank'), keyed('k-gone'), user);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // a refused request does not use up its key
    await linkVpaAt(kafka, user.userId, 'gone@okbank');
    await untilHeld(service, { 'gone@okbank': user.userId });
    expect((await api.post(bodyOf('gone@okbank', { note: 'new' }), keyed('k-new'), user)).status).toBe(202);
  });

  it('creates exactly one payment from 20 concurrent requests, and gives each the same answer', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => api.post(bodyOf('burst@okbank'), keyed('burst-1'))));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    for (const answer of answers) expect(answer.body).toEqual(answers[0].body);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);

    const [id] = [...ids] as string[];
    expect((await api.listOf('burst@okbank')).map((p) => p.id)).toEqual([id]);
    const events = await publishedEvents(kafka, service, [id]);
    expect(events.get(id)!.map((e) => e.type)).toEqual(['PaymentInitiated']);
  });

  it('leaves requests without one as they were: each creates a payment', async () => {
    await api.initiate(bodyOf('nokey@okbank'));
    await api.initiate(bodyOf('nokey@okbank'));
    expect(await api.listOf('nokey@okbank')).toHaveLength(2);
  });

  describe('that is malformed', () => {
    const malformed = [[''], ['k'.repeat(256)], ['caf\u00e9']];
    // fetch refuses non-Latin-1 header values; send the UTF-8 bytes as Latin-1 characters instead
    const postWith = (key: string) => api.post(bodyOf('badkey@okbank'), keyed(Buffer.from(key, 'utf8').toString('latin1')));

    it.each(malformed)('is rejected with 400 naming Idempotency-Key (%j)', async (key) => {
      const answer = await postWith(key);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toContain('Idempotency-Key');
    });

    it('and none of them created a payment', async () => {
      // Sent here, not left to the cases above: the count before and after is about these requests alone.
      const before = await paymentCount();
      const statuses = (await Promise.all(malformed.map(([key]) => postWith(key)))).map((answer) => answer.status);
      expect(await paymentCount()).toBe(before);
      expect(statuses).toEqual([400, 400, 400]);
    });
  });

  it('is not used up by a request that fails validation', async () => {
    const bad = await api.post(bodyOf('valid@okbank', { amount: '0.5' }), keyed('k-valid'));
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('amount');
    const good = await api.post(bodyOf('valid@okbank'), keyed('k-valid'));
    expect(good.status).toBe(202);
  });

  it('is kept for the TTL: only keys older than IDEMPOTENCY_TTL_H hours are purged', async () => {
    const young = await api.initiate(bodyOf('ttl@okbank'), keyed('young'));
    const old = await api.initiate(bodyOf('ttl@okbank', { note: 'old' }), keyed('old'));
    const dataSource = service.app.get(DataSource);
    await dataSource.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '24 hours 1 second' WHERE payer_vpa = $1 AND key = 'old'`,
      ['ttl@okbank'],
    );
    await dataSource.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '23 hours 59 minutes' WHERE payer_vpa = $1 AND key = 'young'`,
      ['ttl@okbank'],
    );

    expect(await service.app.get(IdempotencyKeysRepository).purgeOlderThan(24, 1000)).toBe(1);

    expect((await api.post(bodyOf('ttl@okbank'), keyed('young'))).body).toEqual(young);
    const reused = await api.initiate(bodyOf('ttl@okbank', { note: 'old' }), keyed('old'));
    expect(reused.id).not.toBe(old.id); // the key was forgotten: this is a new payment
  });

  it('is documented in the API description', async () => {
    const response = await fetch(`${service.url}/docs-json`); // public, as /docs is
    const document = (await response.json()) as {
      paths: Record<
        string,
        { post: { parameters: Array<{ name: string; in: string; required?: boolean }>; responses: Record<string, unknown> } }
      >;
    };
    const initiate = document.paths['/v1/payments'].post;
    expect(initiate.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }));
    expect(Object.keys(initiate.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '409', '422']));
  });
});
