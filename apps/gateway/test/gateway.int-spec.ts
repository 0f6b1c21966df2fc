import { ChildProcess, spawn } from 'node:child_process';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createService } from '@app/platform';
import { eventually } from '../../../test/support/eventually';
import { testEnv } from '../../../test/support/env';
import { freePort } from '../../../test/support/free-port';
import { loadConfig } from '../src/config';
import { GatewayModule } from '../src/gateway.module';
import { UpstreamPool } from '../src/upstreams';

/*
 * The gateway in this process, in front of small HTTP servers started here: they stand for the
 * instances of a service, and record every request they receive.
 */
interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

class Upstream {
  readonly received: Received[] = [];
  /** A request whose path contains "slow" is answered only after `slowMs`. */
  slowMs = 0;
  /** What its health check answers: 200 or 503. */
  ready = true;
  private server?: Server;

  constructor(readonly name: string) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/health/ready')
          return response.writeHead(this.ready ? 200 : 503, { 'content-type': 'application/json' }).end('{}');
        this.received.push({ method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks) });
        const answer = () =>
          response
            .writeHead(request.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ instance: this.name }));
        if (request.url?.includes('slow') && this.slowMs) setTimeout(answer, this.slowMs);
        else answer();
      });
    });
    await new Promise<void>((done) => this.server!.listen(port, '127.0.0.1', done));
    return this;
  }

  /** Gone at once, as a SIGKILLed process: the port refuses connections, open ones are cut. */
  async kill(): Promise<void> {
    const server = this.server!;
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
}

let gateway: NestFastifyApplication;
let gatewayUrl: string;
let a: Upstream;
let b: Upstream;
let users: Upstream;

const UPSTREAM_TIMEOUT_MS = 1000;

beforeAll(async () => {
  [a, b, users] = await Promise.all([new Upstream('a').start(), new Upstream('b').start(), new Upstream('users').start()]);
  const config = loadConfig(
    testEnv('gateway', {
      PAYMENTS_URLS: `${a.url},${b.url}`,
      USERS_URLS: users.url,
      GATEWAY_HEALTH_INTERVAL_MS: '100',
      GATEWAY_UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
    }),
  );
  gateway = await createService({ config, title: 'Gateway', description: 'test', module: GatewayModule.forRoot(config), database: false });
  await gateway.listen(0, '127.0.0.1');
  gatewayUrl = `http://127.0.0.1:${(gateway.getHttpServer().address() as AddressInfo).port}`;
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([a, b, users].map((u) => u?.kill().catch(() => undefined)));
});

beforeEach(() => {
  for (const upstream of [a, b, users]) upstream.received.length = 0;
});

const send = (method: string, path: string, init: RequestInit = {}) => fetch(`${gatewayUrl}${path}`, { method, ...init });

const json = { 'content-type': 'application/json' };

describe('routing and balancing', () => {
  it('sends each path to the service that owns it, round robin over its instances', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await (await send('GET', `/v1/payments/p${i}?x=${i}`)).json());
    expect(answers.map((answer) => (answer as { instance: string }).instance).sort()).toEqual(['a', 'a', 'b', 'b']);
    expect([...a.received, ...b.received].map((r) => r.url).sort()).toEqual([
      '/v1/payments/p0?x=0',
      '/v1/payments/p1?x=1',
      '/v1/payments/p2?x=2',
      '/v1/payments/p3?x=3',
    ]);

    expect(await (await send('GET', '/.well-known/jwks.json')).json()).toEqual({ instance: 'users' });
    expect(await (await send('POST', '/v1/auth/token', { headers: json, body: '{}' })).json()).toEqual({ instance: 'users' });
  });

  it('answers 404 in the services’ error shape for a path no service owns, and sends it nowhere', async () => {
    for (const path of ['/v1/nothing', '/v1/paymentsx', '/']) {
      const response = await send('GET', path);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ statusCode: 404 });
    }
    expect([...a.received, ...b.received, ...users.received]).toEqual([]);
  });

  it('passes the body on as the very bytes the client sent', async () => {
    const body = '{ "amount" : "1.50",\n  "note":"caf\u00e9" , "z":1e2 }';
    const response = await send('POST', '/v1/payments', { headers: { ...json, 'idempotency-key': 'k-bytes' }, body });
    expect(response.status).toBe(201);
    const [received] = [...a.received, ...b.received];
    expect(received.body.toString('utf8')).toBe(body);
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers['idempotency-key']).toBe('k-bytes');
  });
});

describe('what the gateway adds', () => {
  it('keeps a sane request id, replaces an insane one, and sends it upstream and back', async () => {
    const kept = await send('GET', '/v1/payments/r1', { headers: { 'x-request-id': 'client-id.1' } });
    expect(kept.headers.get('x-request-id')).toBe('client-id.1');
    const replaced = await send('GET', '/v1/payments/r2', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    const newId = replaced.headers.get('x-request-id');
    expect(newId).toMatch(/^[0-9a-f-]{36}$/);
    const byUrl = new Map([...a.received, ...b.received].map((r) => [r.url, r.headers['x-request-id']]));
    expect(byUrl.get('/v1/payments/r1')).toBe('client-id.1');
    expect(byUrl.get('/v1/payments/r2')).toBe(newId);
  });

  it('names the client upstream (X-Forwarded-For, -Proto) and passes the token on untouched', async () => {
    const response = await send('GET', '/v1/payments/forwarded', { headers: { authorization: 'Bearer not-a-real-token' } });
    expect(response.status).toBe(200);
    const [received] = [...a.received, ...b.received];
    expect(received.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(received.headers['x-forwarded-proto']).toBe('http');
    // the services verify tokens themselves
    expect(received.headers.authorization).toBe('Bearer not-a-real-token');
  });

  it('does not believe a client’s own X-Forwarded-For (the gateway trusts no proxy here)', async () => {
    await send('GET', '/v1/payments/spoof', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    const [received] = [...a.received, ...b.received];
    expect(received.headers['x-forwarded-for']).toBe('127.0.0.1');
  });
});

describe('the edge', () => {
  it('refuses a body over 64 KiB with 413 before any service sees it', async () => {
    const body = JSON.stringify({ note: 'x'.repeat(64 * 1024) });
    const response = await send('POST', '/v1/payments', { headers: { ...json, 'idempotency-key': 'big' }, body });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ statusCode: 413 });
    expect([...a.received, ...b.received]).toEqual([]);
  });

  it('answers 504 in JSON when the upstream is too slow', async () => {
    a.slowMs = b.slowMs = UPSTREAM_TIMEOUT_MS * 3;
    try {
      const response = await send('GET', '/v1/payments/slow');
      expect(response.status).toBe(504);
      expect(await response.json()).toMatchObject({ statusCode: 504, code: 'GATEWAY.UPSTREAM_TIMEOUT' });
    } finally {
      a.slowMs = b.slowMs = 0;
    }
  });

  it('sets the security headers on what it forwards', async () => {
    const response = await send('GET', '/v1/payments/headers');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('health checks', () => {
  it('take an instance that is not ready out after a few failed checks (not one), and back once it is', async () => {
    const upstream = await new Upstream('checked').start();
    const pool = new UpstreamPool('payments', [upstream.url], new Logger('test'));
    try {
      const [instance] = pool.instances;
      await pool.check(instance);
      expect(pool.pick()).toBe(upstream.url);
      upstream.ready = false;
      await pool.check(instance);
      await pool.check(instance);
      expect(pool.pick()).toBe(upstream.url); // a busy instance's slow or refused check or two
      await pool.check(instance);
      expect(pool.pick()).toBeUndefined();
      upstream.ready = true;
      await pool.check(instance);
      expect(pool.pick()).toBe(upstream.url);
    } finally {
      await upstream.kill();
    }
  });

  it('take an instance whose connection is refused out at once', async () => {
    const upstream = await new Upstream('refusing').start();
    const pool = new UpstreamPool('payments', [upstream.url], new Logger('test'));
    const [instance] = pool.instances;
    await pool.check(instance);
    expect(pool.pick()).toBe(upstream.url);
    await upstream.kill();
    await pool.check(instance);
    expect(pool.pick()).toBeUndefined();
  });

  it('through the gateway: a not-ready instance gets no requests until it is ready again', async () => {
    a.ready = false;
    try {
      await eventually(async () => {
        b.received.length = a.received.length = 0;
        for (let i = 0; i < 4; i++) expect((await send('GET', `/v1/payments/not-ready-${i}`)).status).toBe(200);
        expect(a.received).toEqual([]);
      });
    } finally {
      a.ready = true;
    }
    await eventually(async () => {
      a.received.length = 0;
      for (let i = 0; i < 4; i++) await send('GET', `/v1/payments/ready-${i}`);
      expect(a.received).not.toEqual([]);
    });
  });
});

describe('an instance that dies', () => {
  let port: number;

  afterAll(async () => {
    // b again, on its port, for the tests after this block (none today); and back in rotation by its health check.
    b = await new Upstream('b').start(port);
    await eventually(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) seen.add(((await (await send('GET', '/v1/payments/back')).json()) as { instance: string }).instance);
      expect(seen).toEqual(new Set(['a', 'b']));
    });
  });

  it('is taken out: reads and keyed writes go on to the other one without an error; an unkeyed POST is not sent twice', async () => {
    port = Number(new URL(b.url).port);
    await b.kill();

    // Until b is known to be down, some of these hit it first: each is sent on to a, once.
    for (let i = 0; i < 6; i++) {
      const response = await send('GET', `/v1/payments/after-kill-${i}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ instance: 'a' });
    }
    const keyed = await send('POST', '/v1/payments', { headers: { ...json, 'idempotency-key': 'k-1' }, body: '{"n":1}' });
    expect(keyed.status).toBe(201);
    expect(a.received.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(a.received.filter((r) => r.url.startsWith('/v1/payments/after-kill-'))).toHaveLength(6);
  });
});

async function startCutter(): Promise<Server> {
  const cutter = createServer((request, response) => {
    if (request.url === '/health/ready') response.writeHead(200).end('{}');
    else request.socket.destroy();
  });
  await new Promise<void>((done) => cutter.listen(0, '127.0.0.1', done));
  return cutter;
}

describe('a POST without an Idempotency-Key', () => {
  it('is never sent again: a connection failure is a 502, and no other instance receives it', async () => {
    // An instance that passes its health check, accepts a request and cuts the connection without answering: it may have applied it.
    const cutter = await startCutter();
    const survivor = await new Upstream('survivor').start();
    const cutterUrl = `http://127.0.0.1:${(cutter.address() as AddressInfo).port}`;
    const config = loadConfig(testEnv('gateway', { INVENTORY_URLS: `${cutterUrl},${survivor.url}`, GATEWAY_HEALTH_INTERVAL_MS: '60000' }));
    const second = await createService({
      config,
      title: 'Gateway',
      description: 'test',
      module: GatewayModule.forRoot(config),
      database: false,
    });
    await second.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(second.getHttpServer().address() as AddressInfo).port}`;
    try {
      // Round robin starts at the cutter: the first POST goes there.
      const unkeyed = await fetch(`${url}/v1/inventory/products`, { method: 'POST', headers: json, body: '{"sku":"A"}' });
      expect(unkeyed.status).toBe(502);
      expect(await unkeyed.json()).toMatchObject({ statusCode: 502, code: 'GATEWAY.UPSTREAM_FAILED' });
      expect(survivor.received).toEqual([]);

      // The cutter is out now; a keyed POST that had hit it would have gone on to the survivor.
      const keyed = await fetch(`${url}/v1/inventory/products`, {
        method: 'POST',
        headers: { ...json, 'idempotency-key': 'k-2' },
        body: '{"sku":"B"}',
      });
      expect(keyed.status).toBe(201);
      expect(survivor.received.map((r) => r.body.toString())).toEqual(['{"sku":"B"}']);
    } finally {
      await second.close();
      await survivor.kill();
      cutter.closeAllConnections();
      await new Promise<void>((done) => cutter.close(() => done()));
    }
  });

  it('with a key, is sent on to another instance when the connection to the first fails', async () => {
    const cutter = await startCutter();
    const survivor = await new Upstream('survivor').start();
    const cutterUrl = `http://127.0.0.1:${(cutter.address() as AddressInfo).port}`;
    const config = loadConfig(testEnv('gateway', { INVENTORY_URLS: `${cutterUrl},${survivor.url}`, GATEWAY_HEALTH_INTERVAL_MS: '60000' }));
    const second = await createService({
      config,
      title: 'Gateway',
      description: 'test',
      module: GatewayModule.forRoot(config),
      database: false,
    });
    await second.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(second.getHttpServer().address() as AddressInfo).port}`;
    try {
      const keyed = await fetch(`${url}/v1/inventory/products`, {
        method: 'POST',
        headers: { ...json, 'idempotency-key': 'k-3' },
        body: '{"sku":"C"}',
      });
      expect(keyed.status).toBe(201);
      expect(await keyed.json()).toEqual({ instance: 'survivor' });
      expect(survivor.received.map((r) => [r.headers['idempotency-key'], r.body.toString()])).toEqual([['k-3', '{"sku":"C"}']]);
    } finally {
      await second.close();
      await survivor.kill();
      cutter.closeAllConnections();
      await new Promise<void>((done) => cutter.close(() => done()));
    }
  });
});

describe('no instance at all', () => {
  it('is a 503 in JSON with Retry-After', async () => {
    const config = loadConfig(testEnv('gateway', { LEDGER_URLS: 'http://127.0.0.1:1', GATEWAY_HEALTH_INTERVAL_MS: '60000' }));
    const third = await createService({
      config,
      title: 'Gateway',
      description: 'test',
      module: GatewayModule.forRoot(config),
      database: false,
    });
    await third.listen(0, '127.0.0.1');
    try {
      const response = await fetch(`http://127.0.0.1:${(third.getHttpServer().address() as AddressInfo).port}/v1/ledger/accounts/x`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toMatchObject({ statusCode: 503, code: 'GATEWAY.NO_INSTANCE' });
    } finally {
      await third.close();
    }
  });
});

describe('the trace', () => {
  // A process of its own (the sources, no build): OpenTelemetry's HTTP instrumentation cannot patch
  // node's http inside Jest's module system, so the gateway's server span only exists out here.
  let child: ChildProcess;
  let traced: Upstream;
  let url: string;
  let output = '';

  beforeAll(async () => {
    traced = await new Upstream('traced').start();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['-r', './test/support/ts-register.cjs', 'apps/gateway/src/main.ts'], {
      cwd: `${__dirname}/../../..`,
      env: testEnv('gateway', {
        GATEWAY_PORT: String(port),
        HOST: '127.0.0.1',
        PAYMENTS_URLS: traced.url,
        OTEL_TRACES_EXPORTER: 'console', // spans made and written to a pipe nobody reads
      }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}: ${output}`);
        expect((await fetch(`${url}/health/ready`).catch(() => undefined))?.status).toBe(200);
      },
      60000,
      250,
    );
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    await traced?.kill();
  });

  it('goes on upstream: the service receives a traceparent whose parent is the gateway’s server span', async () => {
    const response = await fetch(`${url}/v1/payments/traced`);
    expect(response.status).toBe(200);
    const [received] = traced.received;
    const traceparent = String(received.headers.traceparent);
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // The gateway's response names its own span (traceresponse): the upstream's parent is that span.
    const [, traceId, spanId] = String(response.headers.get('traceresponse')).split('-');
    expect(traceparent.split('-').slice(1, 3)).toEqual([traceId, spanId]);
  });
});

describe('the per-address limit, behind a trusted proxy (TRUST_PROXY)', () => {
  it('counts each forwarded client on its own, past the limit a 429, and passes the chain on', async () => {
    const LIMIT = 3;
    const upstream = await new Upstream('limited').start();
    const config = loadConfig(
      testEnv('gateway-limited', { ANALYTICS_URLS: upstream.url, RATE_LIMIT_PER_MIN: String(LIMIT), TRUST_PROXY: 'loopback' }),
    );
    const limited = await createService({
      config,
      title: 'Gateway',
      description: 'test',
      module: GatewayModule.forRoot(config),
      database: false,
    });
    await limited.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(limited.getHttpServer().address() as AddressInfo).port}/v1/analytics/summary`;
    const from = (client: string) => fetch(url, { headers: { 'x-forwarded-for': client } });
    try {
      for (let i = 0; i < LIMIT; i++) expect((await from('203.0.113.1')).status).toBe(200);
      const refused = await from('203.0.113.1');
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
      expect(upstream.received).toHaveLength(LIMIT);
      // another client behind the same proxy is another address
      expect((await from('203.0.113.2')).status).toBe(200);
      expect(upstream.received.map((r) => r.headers['x-forwarded-for'])).toContain('203.0.113.2, 127.0.0.1');
    } finally {
      await limited.close();
      await upstream.kill();
    }
  });
});
