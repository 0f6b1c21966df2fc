import { request as httpRequest } from 'node:http';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Limits, REDIS } from '@app/platform';
import { testEnv } from '../../../test/support/env';
import { newOperator, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { PaymentsModule } from '../src/payments.module';
import { userHolding } from './support/payments-api';

/*
 * What createService (libs/platform) gives every service, checked on payments: bodies are JSON or
 * 415, no NUL or lone surrogate gets past the edge, security headers, CORS only when configured,
 * and a per-address request limit shared by the instances (health checks aside).
 */
const env = testEnv('payments-hardening', { PAYMENT_TIMEOUT_S: '3600' });
// Two instances of one deployment with CORS and a small limit: its own database, topics and counters.
const LIMIT = 8;
const ORIGIN = 'https://app.example.com';
const limitedEnv = testEnv('payments-hardening-limited', {
  PAYMENT_TIMEOUT_S: '3600',
  RATE_LIMIT_PER_MIN: String(LIMIT),
  CORS_ORIGINS: ORIGIN,
});
const kafka = new TestKafka(env);
let service: RunningService;
let limited: RunningService[];
/** Pays from hardy@okbank (to shop@okbank, also held). */
let hardy: TestUser;
/** Lists any VPA's payments, in either deployment. */
let operator: TestUser;

const valid = { payerVpa: 'hardy@okbank', payeeVpa: 'shop@okbank', amount: '10.00', currency: 'INR' };

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A request, as the operator unless it names its own authorization. */
async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { ...init, headers: { ...operator.headers, ...(init.headers as Record<string, string>) } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const post = (body: string | Uint8Array, contentType?: string) =>
  call(`${service.url}/v1/payments`, {
    method: 'POST',
    headers: { ...hardy.headers, ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  });

const fieldsOf = (answer: Answer) => (answer.body.errors as Array<{ field: string }>).map((e) => e.field);

async function paymentCount(): Promise<number> {
  const [{ n }] = await service.app.get(DataSource).query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM payments');
  return n;
}

/** A GET (as the operator) sent from another loopback address (all of 127/8 is this machine): another client, as the limit sees it. */
function getFrom(localAddress: string, url: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { localAddress, headers: operator.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Payments', description: '', module: PaymentsModule.forRoot(config) });
  [hardy, operator] = await Promise.all([userHolding(kafka, service, ['hardy@okbank']), newOperator()]);
  await userHolding(kafka, service, ['shop@okbank']);
  limited = [];
  for (let i = 0; i < 2; i++) {
    const limitedConfig = loadConfig(limitedEnv);
    limited.push(
      await startServiceApp({ config: limitedConfig, title: 'Payments', description: '', module: PaymentsModule.forRoot(limitedConfig) }),
    );
  }
});

afterAll(async () => {
  await Promise.all([service, ...(limited ?? [])].map((s) => s?.close()));
  await kafka.close();
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

describe('response headers', () => {
  it('forbid sniffing and framing, and loading anything from an API answer', async () => {
    for (const answer of [await call(`${service.url}/v1/payments?vpa=hardy@okbank`), await post('x', 'text/plain')]) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('let the Swagger UI at /docs load its own scripts and styles', async () => {
    const page = await fetch(`${service.url}/docs`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests'); // served over plain HTTP here
    const html = await page.text();
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    // script-src 'self' allows no inline script: every one must be a file of this origin, and served
    for (const attributes of scripts) {
      const src = /src="([^"]+)"/.exec(attributes)?.[1];
      expect(src).toBeDefined();
      const script = await fetch(new URL(src!, `${service.url}/docs`));
      expect({ src, status: script.status }).toEqual({ src, status: 200 });
    }
    expect((await fetch(`${service.url}/docs-json`)).status).toBe(200);
  });

  it('carry no CORS header unless CORS_ORIGINS lists origins', async () => {
    const simple = await fetch(`${service.url}/v1/payments?vpa=hardy@okbank`, { headers: { ...operator.headers, origin: ORIGIN } });
    expect(simple.status).toBe(200);
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${service.url}/v1/payments`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('allow the listed origins, and only them, with CORS_ORIGINS', async () => {
    const [instance] = limited;
    const allowed = await fetch(`${instance.url}/v1/payments?vpa=hardy@okbank`, { headers: { ...operator.headers, origin: ORIGIN } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('vary')).toMatch(/origin/i);
    const preflight = await fetch(`${instance.url}/v1/payments`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const other = await fetch(`${instance.url}/v1/payments?vpa=hardy@okbank`, {
      headers: { ...operator.headers, origin: 'https://evil.example.com' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the per-address request limit', () => {
  const client = '127.0.0.2';

  it('is shared by the instances: past it, a 429 with Retry-After and RATE_LIMITED, for that address only', async () => {
    const list = (instance: RunningService) => getFrom(client, `${instance.url}/v1/payments?vpa=hardy@okbank`);
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await list(limited[i % 2])).status);
    expect(statuses).toEqual(Array.from({ length: LIMIT }, () => 200));

    for (const instance of limited) {
      const refused = await list(instance);
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(JSON.parse(refused.body)).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED', retryAfterS: retryAfter });
      expect(refused.headers['x-content-type-options']).toBe('nosniff');
    }
    // another address is another client
    expect((await fetch(`${limited[0].url}/v1/payments?vpa=hardy@okbank`, { headers: operator.headers })).status).toBe(200);
  });

  it('leaves health checks and metrics scrapes alone, and keeps refusing the rest meanwhile', async () => {
    for (let i = 0; i < LIMIT + 2; i++) {
      expect((await getFrom(client, `${limited[0].url}/health/live`)).status).toBe(200);
      expect((await getFrom(client, `${limited[1].url}/health/ready`)).status).toBe(200);
      expect((await getFrom(client, `${limited[i % 2].url}/metrics`)).status).toBe(200);
    }
    expect((await getFrom(client, `${limited[0].url}/v1/payments?vpa=hardy@okbank`)).status).toBe(429);
  });

  it('is far away in tests (testEnv), so other tests never meet it', async () => {
    const answer = await fetch(`${service.url}/v1/payments?vpa=hardy@okbank`, { headers: operator.headers });
    expect(Number(answer.headers.get('x-ratelimit-limit'))).toBe(1_000_000);
  });
});

describe('Limits', () => {
  it('is there for every service to inject, counting under its own prefix in Redis', async () => {
    const limits = service.app.get(Limits);
    await limits.consume('probe', 'user-1', { points: 2, durationS: 60 });
    const redis = service.app.get<Redis>(REDIS);
    expect(await redis.get(`${env.RATE_LIMIT_PREFIX}payments:probe:user-1`)).toBe('1');
  });
});
