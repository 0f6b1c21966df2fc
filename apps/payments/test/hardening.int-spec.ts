import { DataSource } from 'typeorm';
import { testEnv } from '../../../test/support/env';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { PaymentsModule } from '../src/payments.module';

/*
 * What createService (libs/platform) gives every service, checked on payments: bodies are JSON or
 * 415, and no NUL or lone surrogate gets past the edge.
 */
const env = testEnv('payments-hardening', { PAYMENT_TIMEOUT_S: '3600' });
let service: RunningService;

const valid = { payerVpa: 'hardy@okbank', payeeVpa: 'shop@okbank', amount: '10.00', currency: 'INR' };

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const post = (body: string | Uint8Array, contentType?: string) =>
  call(`${service.url}/v1/payments`, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body });

const fieldsOf = (answer: Answer) => (answer.body.errors as Array<{ field: string }>).map((e) => e.field);

async function paymentCount(): Promise<number> {
  const [{ n }] = await service.app.get(DataSource).query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM payments');
  return n;
}

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Payments', description: '', module: PaymentsModule.forRoot(config) });
});

afterAll(async () => {
  await service?.close();
});

describe('request bodies', () => {
  it.each([
    ['text/plain', 'hello'],
    ['application/xml', '<payment/>'],
    ['text/plain', JSON.stringify(valid)],
    ['application/x-www-form-urlencoded', 'payerVpa=hardy%40okbank'],
  ])('a %s body is a 415 with a stable code, and creates nothing', async (contentType, body) => {
    const before = await paymentCount();
    const answer = await post(body, contentType);
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ statusCode: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' });
    expect(await paymentCount()).toBe(before);
  });

  it('a body without a content type is a 415 too', async () => {
    // fetch names no content type for bytes (it would say text/plain for a string)
    const answer = await post(new TextEncoder().encode(JSON.stringify(valid)));
    expect(answer.status).toBe(415);
    expect(answer.body.code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
  });

  it('JSON is read, with or without a charset', async () => {
    expect((await post(JSON.stringify(valid), 'application/json')).status).toBe(202);
    expect((await post(JSON.stringify(valid), 'application/json; charset=utf-8')).status).toBe(202);
  });

  it('no body at all is no body, whatever the content type: validation names it, not a 415', async () => {
    for (const contentType of [undefined, 'text/plain', 'application/json']) {
      const answer = await post('', contentType);
      expect({ contentType, status: answer.status, fields: fieldsOf(answer) }).toEqual({ contentType, status: 400, fields: ['body'] });
    }
    expect((await call(`${service.url}/v1/payments?vpa=hardy@okbank`)).status).toBe(200);
  });

  it('a deeply nested body (within the size limit) is a 400, never a 5xx', async () => {
    const depth = 30_000;
    const deep = `{"note":${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}}`;
    const answer = await post(deep, 'application/json');
    expect(answer.status).toBe(400);
    expect(fieldsOf(answer)[0]).toMatch(/^note\.0\.0\./);
  });

  it('broken JSON is still a 400 naming the body', async () => {
    const answer = await post('{"payerVpa": ', 'application/json');
    expect(answer.status).toBe(400);
    expect(fieldsOf(answer)).toEqual(['body']);
  });
});

describe('strings no service can store', () => {
  it.each([
    ['a NUL in the note', { ...valid, note: 'rent\u0000' }, 'note', /NUL/],
    ['a lone high surrogate in the note', { ...valid, note: 'rent \ud83d' }, 'note', /surrogate/],
    ['a lone low surrogate in a VPA', { ...valid, payerVpa: '\ude00@okbank' }, 'payerVpa', /surrogate/],
    ['a NUL in an item', { ...valid, items: [{ sku: 'A\u0000', quantity: 1 }] }, 'items.0.sku', /NUL/],
    ['a NUL in a field name', { ...valid, ['no\u0000te']: 'x' }, 'no\\u0000te', /field name/],
  ])('%s is a 400 naming the field, and creates nothing', async (_, body, field, message) => {
    const before = await paymentCount();
    const answer = await post(JSON.stringify(body), 'application/json');
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(answer)).toEqual([field]);
    expect(answer.body.message).toMatch(message);
    expect(await paymentCount()).toBe(before);
  });

  it('a valid surrogate pair (an emoji) is fine', async () => {
    expect((await post(JSON.stringify({ ...valid, note: 'rent 😀' }), 'application/json')).status).toBe(202);
  });

  it('a NUL in a query value or a path parameter is a 400 naming it', async () => {
    const inQuery = await call(`${service.url}/v1/payments?vpa=hardy%00@okbank`);
    expect([inQuery.status, fieldsOf(inQuery)]).toEqual([400, ['vpa']]);
    const inPath = await call(`${service.url}/v1/payments/abc%00def`);
    expect([inPath.status, fieldsOf(inPath)]).toEqual([400, ['id']]);
  });
});
