import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../support/eventually';
import { testEnv } from '../support/env';
import { getPayment, getTimeline, Payment } from './support/api';
import { call } from './support/client';
import { publishedEventsOf } from './support/events';
import { Identities, payOnceKnown, Person, uniqueVpa } from './support/identities';
import { ALL_SERVICES, RunningSystem, SERVICES, startSystem } from './support/system';
import { fetchTrace, startTestZipkin } from './support/zipkin';

/*
 * One trace per payment: the services as processes, exporting to a real Zipkin, and the trace read
 * back from Zipkin's HTTP API. Every request is made with a token of the users service.
 */
interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  kind?: 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
  name: string;
  localEndpoint: { serviceName: string };
  tags?: Record<string, string>;
}

let zipkin: Awaited<ReturnType<typeof startTestZipkin>>;
let system: RunningSystem;
let env: NodeJS.ProcessEnv;
let people: Identities;
let operator: Person;
let shop: Person;

/**
 * Every payment here is final by this deadline, whatever happens (a payment takes about a second;
 * the expiry test waits it out), and every wait for a final payment ends on that outcome, well
 * before its own bound: no test passes or fails by which of the two comes first.
 */
const PAYMENT_TIMEOUT_S = 20;
const FINAL_WITHIN_MS = (PAYMENT_TIMEOUT_S + 40) * 1000;

beforeAll(async () => {
  zipkin = await startTestZipkin();
  env = testEnv('e2e_tracing', {
    FRAUD_BLOCKED_VPAS: 'mallory@okbank',
    PAYMENT_TIMEOUT_S: String(PAYMENT_TIMEOUT_S),
    OTEL_TRACES_EXPORTER: '', // the default exporter (Zipkin), pointed at this test's Zipkin
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    TRACE_VIEWER_URL: `${zipkin.url}/zipkin/traces/{traceId}`,
    LOG_LEVEL: 'debug',
  });
  system = await startSystem(env);
  people = new Identities(system);
  [operator, shop] = await Promise.all([people.operator(), people.person('Shop', ['shop@okbank'])]);
  // Payments fetches the users service's keys on the first token it verifies: here, so that no
  // payment's trace holds that fetch (a request of its own to the users service).
  expect((await call('GET', `${system.urls.payments}/v1/payments?limit=1`, { token: operator.token })).status).toBe(200);
});

afterAll(async () => {
  await system?.stop();
  await zipkin?.stop();
});

/** Someone funded who has never paid before, with a VPA of their own. */
const newPayer = (name: string) => funded(people.person(name, [uniqueVpa(name.toLowerCase())]));

const funded = (person: Promise<Person>, amount?: string) => people.funded(person, amount);

/** Puts a product in stock and has `payer` pay for one of it; answers the new payment's id. */
async function initiateWithItems(payer: Person): Promise<string> {
  const sku = `TR-${randomUUID().slice(0, 8)}`;
  const stocked = await call('PUT', `${system.urls.inventory}/v1/inventory/products/${sku}`, {
    token: operator.token,
    body: { name: 'Traced', stock: 5 },
  });
  expect(stocked.status).toBe(201);
  const created = await payOnceKnown(system, payer, {
    payerVpa: payer.vpas[0],
    payeeVpa: shop.vpas[0],
    amount: '42.00',
    note: 'secret note text',
    items: [{ sku, quantity: 1 }],
  });
  expect(created.status).toBe(202);
  return created.body.id;
}

/** The payment once it is final (as it is by its deadline: a slow one fails on its status, EXPIRED). */
async function finalPayment(id: string): Promise<Payment> {
  return eventually(
    async () => {
      const { body } = await getPayment(`${system.urls.payments}/v1/payments/${id}`, operator.token);
      expect(body.status).not.toBe('PENDING');
      return body;
    },
    FINAL_WITHIN_MS,
    200,
  );
}

const payWithItems = async (payer: Person) => finalPayment(await initiateWithItems(payer));

/** The payment's trace id, which it has (tracing is on here). */
function traceIdOf(payment: Payment): string {
  if (payment.traceId === null) throw new Error(`payment ${payment.id} has no trace id`);
  return payment.traceId;
}

/**
 * Waits until the trace in Zipkin passes `check` (its assertions), then returns its spans. Each
 * service exports on its own schedule, so one service's span can reach Zipkin before an earlier
 * span of another service does: the whole check is retried, and its last failure is reported.
 */
async function traceOf(traceId: string, check: (spans: ZipkinSpan[]) => void): Promise<ZipkinSpan[]> {
  return eventually(
    async () => {
      const spans = (await fetchTrace(zipkin.url, traceId)) as ZipkinSpan[];
      check(spans);
      return spans;
    },
    30000,
    500,
  );
}

const tagged = (spans: ZipkinSpan[], tag: string, value?: string) =>
  spans.filter((s) => s.tags?.[tag] !== undefined && (value === undefined || s.tags[tag] === value));

describe('one trace per payment', () => {
  it('holds spans of every service that follows a payment, with the decision and the outcome, correctly parented', async () => {
    const payment = await payWithItems(await newPayer('Tracy'));
    expect(payment.status).toBe('SUCCEEDED');
    expect(payment.traceId).toMatch(/^[0-9a-f]{32}$/);

    const spans = await traceOf(traceIdOf(payment), (spans) => {
      // disputes follows every payment too (its projection of payments), though it decides nothing in it
      expect(new Set(spans.map((s) => s.localEndpoint.serviceName))).toEqual(new Set([...SERVICES, 'disputes']));
      expect(tagged(spans, 'fraud.decision', 'APPROVED').map((s) => s.localEndpoint.serviceName)).toContain('fraud');
      expect(tagged(spans, 'payment.status', 'SUCCEEDED').map((s) => s.localEndpoint.serviceName)).toContain('payments');
      expect(tagged(spans, 'inventory.reservation.outcome', 'RESERVED')).not.toHaveLength(0);
      expect(tagged(spans, 'inventory.reservation.outcome', 'COMMITTED')).not.toHaveLength(0);
      expect(tagged(spans, 'ledger.hold.outcome', 'RESERVED').map((s) => s.localEndpoint.serviceName)).toContain('ledger');
      expect(tagged(spans, 'ledger.hold.outcome', 'POSTED')).not.toHaveLength(0);
      expect(tagged(spans, 'analytics.recorded_status')).not.toHaveLength(0);

      // No orphans: one root (the HTTP request), every other span's parent is in the trace, and
      // every consumer span is the child of a producer span.
      const byId = new Map(spans.map((s) => [s.id, s]));
      expect(spans.filter((s) => !s.parentId)).toHaveLength(1);
      expect(spans.filter((s) => s.parentId && !byId.has(s.parentId))).toEqual([]);
      const consumers = spans.filter((s) => s.kind === 'CONSUMER');
      expect(consumers.length).toBeGreaterThanOrEqual(5);
      for (const consumer of consumers) expect(byId.get(consumer.parentId!)?.kind).toBe('PRODUCER');
    });

    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([payment.traceId]));
    // The note is the payer's business, not the trace's.
    expect(JSON.stringify(spans)).not.toContain('secret note text');
  });

  it('shows the release when a payment fails after its stock was reserved', async () => {
    const payment = await payWithItems(await funded(people.person('Mallory', ['mallory@okbank'])));
    expect(payment).toMatchObject({ status: 'FAILED', failureReason: 'FRAUD_REJECTED' });
    await traceOf(traceIdOf(payment), (spans) => {
      expect(tagged(spans, 'fraud.decision', 'REJECTED')).not.toHaveLength(0);
      expect(tagged(spans, 'payment.failure_reason', 'FRAUD_REJECTED')).not.toHaveLength(0);
      expect(tagged(spans, 'inventory.reservation.outcome', 'RELEASED')).not.toHaveLength(0);
      expect(tagged(spans, 'ledger.hold.outcome', 'VOIDED')).not.toHaveLength(0);
    });
  });
});

/** The timeline step each lifecycle event marks (the API's names). */
const STEP_OF: Record<string, string> = {
  PaymentInitiated: 'initiated',
  FraudAssessed: 'assessed',
  StockReserved: 'reserved',
  StockRejected: 'rejected',
  PaymentSucceeded: 'succeeded',
  PaymentFailed: 'failed',
  StockCommitted: 'committed',
  StockReleased: 'released',
  FundsReserved: 'funds reserved',
  FundsRejected: 'funds rejected',
  FundsSettled: 'funds settled',
  FundsReleased: 'funds released',
  PaymentNotified: 'notified',
  PaymentRecorded: 'recorded',
};

interface Step {
  step: string;
  service: string;
  at: string;
}
const byStepAndTime = (a: Step, b: Step) => a.step.localeCompare(b.step) || a.at.localeCompare(b.at);

describe('the timeline of a payment', () => {
  it('has one step per event published about it, by its producer, at the time the event carries', async () => {
    const payment = await payWithItems(await newPayer('Tim'));
    // The timeline trails the topics (payments records other services' events as it consumes them):
    // retried until the two agree, and each read of the topics goes up to their ends at that moment.
    const timeline = await eventually(
      async () => {
        const { status, body } = await getTimeline(`${system.urls.payments}/v1/payments/${payment.id}/timeline`, operator.token);
        expect(status).toBe(200);
        // One step per event, however often it was delivered (a redelivery keeps its event id).
        const events = new Map((await publishedEventsOf(env, payment.id)).map((e) => [e.eventId, e]));
        const fromEvents: Step[] = [...events.values()].map((e) => ({
          step: STEP_OF[e.type],
          service: e.producer,
          at: new Date(e.occurredAt).toISOString(),
        }));
        const shown: Step[] = body.steps.map(({ step, service, at }) => ({ step, service, at }));
        expect(shown.sort(byStepAndTime)).toEqual(fromEvents.sort(byStepAndTime));
        // and the events are those of a payment that succeeded with its stock: each once
        expect(shown.map((s) => s.step).sort()).toEqual([
          'assessed',
          'committed',
          'funds reserved',
          'funds settled',
          'initiated',
          'notified',
          'recorded',
          'reserved',
          'succeeded',
        ]);
        return body;
      },
      30000,
      500,
    );
    expect(timeline.traceId).toBe(payment.traceId);
    expect(new Set(timeline.steps.map((s) => s.service))).toEqual(new Set(SERVICES));

    expect(timeline.traceUrl).toBe(`${zipkin.url}/zipkin/traces/${payment.traceId}`);
    expect((await fetch(timeline.traceUrl!)).status).toBe(200);
  });
});

describe('trace ids outside the viewer', () => {
  it('every response carries a W3C traceresponse header', async () => {
    const response = await call('GET', `${system.urls.payments}/v1/payments?limit=1`, { token: operator.token });
    expect(response.status).toBe(200);
    expect(response.headers.get('traceresponse')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  it('a log line written while handling a message carries the trace id of the payment', async () => {
    const payment = await payWithItems(await newPayer('Logan'));
    await eventually(() => {
      const lines = readFileSync(join(system.logDir, 'fraud.log'), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const mine = lines.filter((line) => line.trace_id === payment.traceId);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine[0].span_id).toMatch(/^[0-9a-f]{16}$/);
    });
  });
});

describe('who made a request, and nothing that identifies them', () => {
  it('the request’s span carries the user id; no span and no log line holds their phone, name, password or token', async () => {
    const payer = await funded(people.person('Ishaan Venkataraman', [uniqueVpa('ishaan')]));
    const payment = await payWithItems(payer);
    const spans = await traceOf(traceIdOf(payment), (spans) => {
      expect(tagged(spans, 'enduser.id', payer.id).map((s) => s.localEndpoint.serviceName)).toContain('payments');
    });
    const secrets = [payer.phone, payer.phone.slice(3), payer.name, payer.password, payer.token, payer.token.split('.')[2]];
    const traceText = JSON.stringify(spans);
    for (const secret of secrets) expect(traceText).not.toContain(secret);
    for (const service of ALL_SERVICES) {
      const log = readFileSync(join(system.logDir, `${service}.log`), 'utf8');
      for (const secret of secrets)
        expect(`${service}.log ${log.includes(secret) ? 'holds' : 'does not hold'} ${secret}`).toMatch(/does not hold/);
    }
  });
});

describe('a payment that expires', () => {
  it('has its expiry, and what follows from it, in its own trace', async () => {
    // Fraud is down: nobody assesses the payment, and PAYMENT_TIMEOUT_S later it expires.
    const payer = await newPayer('Exa');
    await system.stopService('fraud');
    try {
      const payment = await finalPayment(await initiateWithItems(payer));
      expect(payment).toMatchObject({ status: 'FAILED', failureReason: 'EXPIRED' });

      await traceOf(traceIdOf(payment), (spans) => {
        const expiry = tagged(spans, 'payment.deadline.action', 'EXPIRE');
        expect(expiry.map((s) => [s.localEndpoint.serviceName, s.tags?.['payment.failure_reason']])).toEqual([['payments', 'EXPIRED']]);
        // Under the request that created the payment, and followed by the release and the notice.
        const byId = new Map(spans.map((s) => [s.id, s]));
        expect(byId.get(expiry[0].parentId!)?.localEndpoint.serviceName).toBe('payments');
        expect(tagged(spans, 'inventory.reservation.outcome', 'RELEASED')).not.toHaveLength(0);
        expect(spans.filter((s) => s.localEndpoint.serviceName === 'notifications')).not.toHaveLength(0);
        expect(spans.filter((s) => s.parentId && !byId.has(s.parentId))).toEqual([]);
      });
    } finally {
      await system.startService('fraud');
    }
  });
});

describe('a refund', () => {
  it('is one trace of its own — the request, the ledger’s hold and post, the outcome — that names the payment’s trace', async () => {
    const payer = await newPayer('Rhea');
    const payment = await payWithItems(payer);
    expect(payment.status).toBe('SUCCEEDED');
    const answer = await call('POST', `${system.urls.payments}/v1/payments/${payment.id}/refunds`, {
      token: operator.token,
      body: { amount: '1.00', reason: 'traced refund' },
    });
    expect(answer.status).toBe(202);
    const refund = answer.body as { id: string; traceId: string | null };
    expect(refund.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(refund.traceId).not.toBe(payment.traceId);
    await traceOf(refund.traceId!, (spans) => {
      const services = new Set(spans.map((s) => s.localEndpoint.serviceName));
      for (const service of ['payments', 'ledger', 'notifications']) expect(services).toContain(service);
      expect(tagged(spans, 'payment.trace_id', payment.traceId!).map((s) => s.localEndpoint.serviceName)).toContain('payments');
      expect(tagged(spans, 'ledger.hold.outcome', 'POSTED')).not.toHaveLength(0);
      expect(tagged(spans, 'refund.status', 'SUCCEEDED').map((s) => s.localEndpoint.serviceName)).toContain('payments');
      const byId = new Map(spans.map((s) => [s.id, s]));
      expect(spans.filter((s) => !s.parentId)).toHaveLength(1);
      expect(spans.filter((s) => s.parentId && !byId.has(s.parentId))).toEqual([]);
    });
  });
});
