import { randomBytes, randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { Topics } from '@app/contracts';
import { eventually } from '../support/eventually';
import { testEnv } from '../support/env';
import { getPayment, getTimeline, Payment, Timeline } from './support/api';
import { call } from './support/client';
import { ConsoleGateway, consoleGateway } from './support/console-gateway';
import { AuditRecord, Identities, payOnceKnown, Person, uniqueVpa } from './support/identities';
import { ALL_SERVICES, RunningSystem, startSystem } from './support/system';
import { startTestZipkin, TestZipkin } from './support/zipkin';

/*
 * The operator console, end to end: every service as a process, the gateway in front of them
 * serving the console, a real Zipkin, and Debian's Chromium driven by playwright-core. An operator
 * signs in through the page, finds a payment made here by its id and by the payer's VPA (status,
 * amount, timeline, the trace with a link to the viewer), reviews and resolves a dispute, replays a
 * dead letter made here, and reads the overview. UPDATE_SCREENSHOTS=1 rewrites docs/images/console-*.png.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';
const IMAGES = resolve(__dirname, '../../docs/images');
/** How long the page may take to show an outcome: payments, traces and dead letters travel through Kafka and Zipkin. */
const OUTCOME_MS = 60000;

interface DeadLetterRow {
  id: string;
  service: string;
  originTopic: string | null;
  replayedFrom: string | null;
}

let zipkin: TestZipkin;
let system: RunningSystem;
let gateway: ConsoleGateway;
let env: NodeJS.ProcessEnv;
let people: Identities;
let operator: Person;
let payer: Person;
let shop: Person;
let payment: Payment;
let browser: Browser;
let page: Page;

const topic = (logical: string) => `${env.KAFKA_TOPIC_PREFIX}${logical}`;
const api = (path: string) => `${gateway.url}${path}`;

async function screenshot(name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: join(IMAGES, `console-${name}.png`), fullPage: true });
}

/** Waits until the locator's text passes `check`; answers that text. */
const textOf = (locator: Locator, check: (text: string) => void) =>
  eventually(async () => {
    const text = (await locator.textContent()) ?? '';
    check(text);
    return text;
  }, OUTCOME_MS);

async function deadLetters(): Promise<DeadLetterRow[]> {
  const answer = await call('GET', api('/v1/ops/dead-letters'), { token: operator.token });
  expect(answer.status).toBe(200);
  return (answer.body as { data: DeadLetterRow[] }).data;
}

beforeAll(async () => {
  zipkin = await startTestZipkin();
  env = testEnv('e2e_console', {
    OTEL_TRACES_EXPORTER: '', // the default exporter (Zipkin), pointed at this test's Zipkin
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    TRACE_VIEWER_URL: `${zipkin.url}/zipkin/traces/{traceId}`,
    ZIPKIN_URL: zipkin.url,
  });
  system = await startSystem(env);
  gateway = await consoleGateway(system, env);
  people = new Identities(system);
  [operator, shop] = await Promise.all([people.operator(), people.person('Shop', [uniqueVpa('shop')])]);
  payer = await people.funded(people.person('Payer', [uniqueVpa('payer')]));

  const created = await payOnceKnown(system, payer, { payerVpa: payer.vpas[0], payeeVpa: shop.vpas[0], amount: '125.00', note: 'console' });
  expect(created.status).toBe(202);
  payment = await eventually(
    async () => {
      const { body } = await getPayment(`${system.urls.payments}/v1/payments/${created.body.id}`, operator.token);
      expect(body.status).not.toBe('PENDING');
      return body;
    },
    OUTCOME_MS,
    200,
  );
  expect(payment.status).toBe('SUCCEEDED');

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(OUTCOME_MS);
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await system?.stop();
  await zipkin?.stop();
});

describe('the gateway serves the console', () => {
  it('at /console and its views, with a CSP that allows its own scripts and styles only', async () => {
    for (const path of ['/console', '/console/', '/console/disputes']) {
      const response = await fetch(api(path));
      expect([path, response.status]).toEqual([path, 200]);
      expect(await response.text()).toMatch(/<script type="module" crossorigin src="\/console\/assets\/[^"]+\.js"><\/script>/);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
    }
    // nothing outside the console's files: a path that climbs out is the page again
    const climbing = await fetch(api('/console/..%2f..%2fpackage.json'));
    expect([climbing.status, await climbing.text()]).toEqual([200, expect.stringContaining('<div id="root">')]);
  });

  it("stops an operator's token at once when they are de-registered, as the services do", async () => {
    const leaving = await people.newOperator('Otto Operator');
    expect((await call('GET', api('/v1/ops/overview'), { token: leaving.token })).status).toBe(200);
    expect((await call('DELETE', `${system.urls.users}/v1/users/me`, { token: leaving.token })).status).toBe(204);
    await eventually(async () => {
      const refused = await call('GET', api('/v1/ops/overview'), { token: leaving.token });
      expect([refused.status, (refused.body as { code?: string }).code]).toEqual([401, 'AUTH.TOKEN_INVALID']);
    }, 10000);
  });

  it('keeps /v1/ops/… to operators: 401 without a token, 403 for a user, 400 naming a bad id', async () => {
    expect((await call('GET', api('/v1/ops/overview'))).status).toBe(401);
    expect((await call('GET', api('/v1/ops/overview'), { token: payer.token })).status).toBe(403);
    expect((await call('POST', api('/v1/ops/dead-letters/fraud:0:0/replay'), { token: payer.token })).status).toBe(403);
    const badTrace = await call('GET', api('/v1/ops/traces/not-a-trace'), { token: operator.token });
    expect([badTrace.status, JSON.stringify(badTrace.body)]).toEqual([400, expect.stringContaining('traceId')]);
    const badId = await call('POST', api('/v1/ops/dead-letters/nothing/replay'), { token: operator.token });
    expect([badId.status, JSON.stringify(badId.body)]).toEqual([400, expect.stringContaining('"field":"id"')]);
    for (const traceId of [randomBytes(16).toString('hex'), '0'.repeat(32)]) {
      const unknown = await call('GET', api(`/v1/ops/traces/${traceId}`), { token: operator.token });
      expect([traceId, unknown.status, (unknown.body as { code?: string }).code]).toEqual([traceId, 404, 'TRACES.NOT_FOUND']);
    }
  });
});

describe('an operator, through the page', () => {
  it('signs in; a user who is not an operator is told so', async () => {
    await page.goto(api('/console/'));
    await page.getByLabel('Phone').fill(payer.phone);
    await page.getByLabel('Password').fill(payer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await textOf(page.getByRole('alert'), (text) => expect(text).toContain('not an operator'));

    await page.getByLabel('Phone').fill(operator.phone);
    await page.getByLabel('Password').fill(operator.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Operator console' }).waitFor();
    await page.getByLabel('Payment id or VPA').waitFor();
  });

  it("finds the payment by its id: status, amount, the timeline's steps, and the trace of several services with a link to the viewer", async () => {
    const timeline: Timeline = (await getTimeline(`${system.urls.payments}/v1/payments/${payment.id}/timeline`, operator.token)).body;
    expect(timeline.steps.length).toBeGreaterThan(1);
    await page.getByLabel('Payment id or VPA').fill(payment.id);
    await page.getByRole('button', { name: 'Search' }).click();

    const view = page.getByRole('article', { name: 'Payment' });
    await textOf(view, (text) => {
      expect(text).toContain(payment.id);
      expect(text).toContain('SUCCEEDED');
      expect(text).toContain('₹125.00');
    });
    const steps = view.getByRole('region', { name: 'Timeline' }).getByRole('listitem');
    expect(await steps.count()).toBe(timeline.steps.length);
    for (const [i, step] of timeline.steps.entries()) {
      expect(await steps.nth(i).textContent()).toContain(step.step);
    }

    const trace = view.getByRole('complementary', { name: 'Trace' });
    await textOf(trace.getByLabel('Services in the trace'), (text) => {
      for (const service of ['payments', 'fraud', 'ledger']) expect(text).toContain(service);
    });
    // the database queries' spans are drawn on request only
    const drawn = trace.locator('.waterfall li');
    const withoutQueries = await drawn.count();
    expect(withoutQueries).toBeGreaterThan(3);
    await trace.getByLabel(/database queries/).check();
    await eventually(async () => expect(await drawn.count()).toBeGreaterThan(withoutQueries));
    await trace.getByLabel(/database queries/).uncheck();
    const link = trace.getByRole('link', { name: 'Open in the trace viewer' });
    expect(await link.getAttribute('href')).toBe(`${zipkin.url}/zipkin/traces/${payment.traceId}`);
    await screenshot('payment');
  });

  it("finds it by the payer's VPA", async () => {
    await page.getByLabel('Payment id or VPA').fill(payer.vpas[0]);
    await page.getByRole('button', { name: 'Search' }).click();
    const results = page.getByRole('table', { name: 'Payments found' });
    await results.getByRole('button', { name: payment.id }).click();
    await textOf(page.getByRole('article', { name: 'Payment' }), (text) => expect(text).toContain(payment.id));
  });

  it('reviews and resolves a dispute for the payer; the API confirms it', async () => {
    const opened = await eventually(async () => {
      const answer = await call('POST', `${system.urls.disputes}/v1/disputes`, {
        token: payer.token,
        body: { paymentId: payment.id, reason: 'NOT_RECEIVED', description: 'Nothing arrived.' },
      });
      expect(answer.status).toBe(201); // 404 until the disputes service has learnt the payment
      return answer.body as { id: string };
    }, OUTCOME_MS);

    await page.getByRole('button', { name: 'Disputes' }).click();
    const row = page.locator(`tr[data-dispute="${opened.id}"]`);
    await textOf(row, (text) => expect(text).toContain('OPEN'));
    await row.getByRole('button', { name: 'Review' }).click();
    await textOf(row, (text) => expect(text).toContain('UNDER_REVIEW'));
    await screenshot('disputes');
    await row.getByLabel('Resolution note').fill('No proof of delivery.');
    await row.getByRole('button', { name: 'For payer' }).click();
    await textOf(row, (text) => expect(text).toContain('RESOLVED_FOR_PAYER'));

    const dispute = await call('GET', `${system.urls.disputes}/v1/disputes/${opened.id}`, { token: operator.token });
    expect(dispute.body).toMatchObject({
      status: 'RESOLVED_FOR_PAYER',
      resolution: { outcome: 'PAYER', note: 'No proof of delivery.', resolvedBy: operator.id },
    });
  });

  it('sees a dead letter made here and replays it; the consumer parks the replayed copy again; the replay is audited', async () => {
    const paymentTopic = topic(Topics.PaymentEvents);
    const producer = new Kafka({ clientId: 'e2e-console', brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      await producer.send({ topic: paymentTopic, messages: [{ key: `poison-${randomUUID()}`, value: 'not an event' }] });
    } finally {
      await producer.disconnect();
    }
    const parked = await eventually(async () => {
      const found = (await deadLetters()).find((row) => row.service === 'fraud' && row.originTopic === paymentTopic && !row.replayedFrom);
      expect(found).toBeDefined();
      return found!;
    }, OUTCOME_MS);

    await page.getByRole('button', { name: 'Dead letters' }).click();
    const row = page.locator(`tr[data-dead-letter="${parked.id}"]`);
    await textOf(row, (text) => expect(text).toContain('fraud'));
    await row.getByRole('button', { name: 'Replay' }).click();
    await textOf(page.getByRole('status'), (text) => expect(text).toContain(`Replayed ${parked.id} to ${paymentTopic}`));
    await screenshot('dead-letters');

    // the copy reaches fraud again, which cannot apply it either: a new dead letter naming the one replayed
    await eventually(async () => {
      expect((await deadLetters()).filter((r) => r.service === 'fraud' && r.replayedFrom === parked.id)).toHaveLength(1);
    }, OUTCOME_MS);
    await eventually(async () => {
      const records: AuditRecord[] = await people.auditLog({ actor: operator.id });
      expect(records).toContainEqual(
        expect.objectContaining({
          action: 'operator.request',
          result: 'SUCCESS',
          detail: expect.objectContaining({ service: 'gateway', route: 'POST /v1/ops/dead-letters/:id/replay', status: 200 }),
        }),
      );
    }, OUTCOME_MS);
  });

  it('reads the overview: every service with its instances up, and its lag and backlog (numbers once it serves /metrics)', async () => {
    await page.getByRole('button', { name: 'Overview' }).click();
    for (const service of ALL_SERVICES) {
      const row = page.locator(`tr[data-service="${service}"]`);
      await textOf(row, (text) => expect(text).toContain(`${system.urls[service]} up`));
      const hasMetrics = (await fetch(`${system.urls[service]}/metrics`)).status === 200;
      const figure = (name: string) => row.locator(`[data-figure="${name}"]`);
      await textOf(figure('backlog'), (text) => expect(text).toMatch(hasMetrics ? /^\d+$/ : /^no data$/));
      // users consumes no topic the others publish to every time; every consumer reports its lag once it has partitions
      if (service !== 'users') await textOf(figure('lag'), (text) => expect(text).toMatch(hasMetrics ? /^\d+/ : /^no data$/));
    }
    await screenshot('overview');
  });
});
