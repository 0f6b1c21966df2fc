import { Kafka, logLevel } from 'kafkajs';
import { Topics } from '@app/contracts';
import { eventually } from '../support/eventually';
import { testEnv } from '../support/env';
import { parseScrape, samples, Scrape, total } from '../support/prometheus';
import { getPayment } from './support/api';
import { call } from './support/client';
import { Identities, payOnceKnown, Person, uniqueVpa } from './support/identities';
import { ALL_SERVICES, AnyService, RunningSystem, startSystem } from './support/system';

/*
 * Every service serves /metrics in Prometheus' text format, read here as Prometheus would (a
 * Prometheus text parser, no token), and the series move when a payment goes through: the
 * payments counted and timed, the HTTP request counted by route, consumer lag and consumed
 * messages per topic and partition, the outbox, the database pool, and a dead letter counted.
 */
let system: RunningSystem;
let people: Identities;
let operator: Person;
let env: NodeJS.ProcessEnv;

const topic = (logical: string) => `${env.KAFKA_TOPIC_PREFIX}${logical}`;

/** Everyone but the users service consumes the payment topic; each decides or records something about a payment. */
const PAYMENT_CONSUMERS = ['fraud', 'ledger', 'inventory', 'analytics', 'notifications', 'disputes'] as const;

async function scrape(service: AnyService): Promise<Scrape> {
  const response = await fetch(`${system.urls[service]}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseScrape(await response.text());
}

async function scrapeAll(): Promise<Record<AnyService, Scrape>> {
  const scrapes = await Promise.all(ALL_SERVICES.map(scrape));
  return Object.fromEntries(ALL_SERVICES.map((service, i) => [service, scrapes[i]])) as Record<AnyService, Scrape>;
}

beforeAll(async () => {
  env = testEnv('e2e_metrics');
  system = await startSystem(env);
  people = new Identities(system);
  operator = await people.operator();
});

afterAll(async () => {
  await system?.stop();
});

describe('/metrics', () => {
  it.each(ALL_SERVICES)('%s serves it to anyone, outside the request limit and the API document', async (service) => {
    const url = system.urls[service];
    const answer = await fetch(`${url}/metrics`);
    expect(answer.status).toBe(200);
    // the per-address limit counts every other route (and says so); not this one
    expect(answer.headers.get('x-ratelimit-limit')).toBeNull();
    expect((await fetch(`${url}/health/ready`)).headers.get('x-ratelimit-limit')).toBeNull();
    const docs = await call('GET', `${url}/docs-json`);
    expect(docs.headers.get('x-ratelimit-limit')).toBe(env.RATE_LIMIT_PER_MIN);
    const document = docs.body as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).not.toContain('/metrics');

    const scraped = parseScrape(await answer.text());
    // who the series are from: the service's name on each of them, and the resource's attributes in target_info
    expect(samples(scraped, 'target_info', { service_name: service })).toHaveLength(1);
    const pool = { service_name: service, db_client_connection_pool_name: service };
    expect(samples(scraped, 'db_client_connection_count', { ...pool, db_client_connection_state: 'idle' })).toHaveLength(1);
    expect(samples(scraped, 'db_client_connection_count', { ...pool, db_client_connection_state: 'used' })).toHaveLength(1);
    expect(total(scraped, 'db_client_connection_max', pool)).toBe(Number(env.DATABASE_POOL_SIZE));
    expect(samples(scraped, 'db_client_connection_pending_requests', pool)).toHaveLength(1);
    // the pool as TypeORM holds it, alone: not the pg instrumentation's process-wide counters beside it
    for (const name of ['db_client_connection_count', 'db_client_connection_max', 'db_client_connection_pending_requests']) {
      expect(new Set(samples(scraped, name).map((s) => s.labels?.otel_scope_name))).toEqual(new Set(['@app/platform']));
    }
    expect(samples(scraped, 'outbox_backlog', { service })).toHaveLength(1);
    expect(samples(scraped, 'outbox_oldest_age_seconds', { service })).toHaveLength(1);
    // one source for the request durations: the platform's, with the route, not the http instrumentation's too
    expect(scraped.types.get('http_server_request_duration_seconds')).toBe('histogram');
    const scopes = new Set(samples(scraped, 'http_server_request_duration_seconds_count').map((s) => s.labels?.otel_scope_name));
    expect([...scopes]).toEqual(['@app/platform']);
  });

  it('refuses nothing for a token, even a bad one: it is public', async () => {
    const answer = await fetch(`${system.urls.payments}/metrics`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(answer.status).toBe(200);
  });
});

describe('a payment moves the series', () => {
  it('counted and timed at payments, its request by route, its events consumed with no lag left', async () => {
    const [alice, bob] = await Promise.all([people.person('Alice', [uniqueVpa('alice')]), people.person('Bob', [uniqueVpa('bob')])]);
    await people.fund(alice, '500.00');
    const before = await scrapeAll();

    const refused = await call('POST', `${system.urls.payments}/v1/payments`, { token: alice.token, body: { amount: 'lots' } });
    expect(refused.status).toBe(400);
    const answer = await payOnceKnown(system, alice, { payerVpa: alice.vpas[0], payeeVpa: bob.vpas[0], amount: '12.50' });
    expect(answer.status).toBe(202);
    await eventually(async () => {
      const { body } = await getPayment(`${system.urls.payments}/v1/payments/${answer.body.id}`, operator.token);
      expect(body.status).toBe('SUCCEEDED');
    }, 60000);

    const succeeded = { payment_status: 'SUCCEEDED', payment_failure_reason: 'none' };
    const post = { http_request_method: 'POST', http_route: '/v1/payments' };
    const after = await eventually(async () => {
      const now = await scrapeAll();
      const moved = (service: AnyService, name: string, labels: Record<string, string> = {}) =>
        total(now[service], name, labels) - total(before[service], name, labels);
      expect(moved('payments', 'payments_initiated_total')).toBe(1);
      expect(moved('payments', 'payments_finalized_total', succeeded)).toBe(1);
      expect(moved('payments', 'payments_finalized_total')).toBe(1);
      expect(moved('payments', 'payments_duration_seconds_count', succeeded)).toBe(1);
      expect(moved('payments', 'payments_duration_seconds_sum', succeeded)).toBeGreaterThan(0);
      expect(moved('payments', 'http_server_request_duration_seconds_count', { ...post, http_response_status_code: '202' })).toBe(1);
      expect(moved('payments', 'http_server_request_duration_seconds_count', { ...post, http_response_status_code: '400' })).toBe(1);
      // PaymentInitiated and PaymentSucceeded, at least, consumed by every service that follows payments
      for (const service of PAYMENT_CONSUMERS) {
        const labels = { messaging_destination_name: topic(Topics.PaymentEvents), messaging_consumer_group_name: topic(service) };
        expect(moved(service, 'messaging_client_consumed_messages_total', labels)).toBeGreaterThanOrEqual(2);
      }
      // the saga's answers, consumed by payments
      for (const answered of [Topics.FraudEvents, Topics.LedgerEvents]) {
        const labels = { messaging_destination_name: topic(answered), messaging_consumer_group_name: topic('payments') };
        expect(moved('payments', 'messaging_client_consumed_messages_total', labels)).toBeGreaterThanOrEqual(1);
      }
      return now;
    }, 30000);

    // the request's route is the template, never the URL: no series names a payment's id
    const routes = samples(after.payments, 'http_server_request_duration_seconds_count').map((s) => s.labels?.http_route ?? '');
    expect(routes.filter((route) => route.includes(answer.body.id))).toEqual([]);
    // consumer lag for every partition of the payment topic at each of its consumers (one instance: all
    // partitions are its own), and of the users' topic at every service; nothing left behind
    const partitions = Array.from({ length: Number(env.KAFKA_PARTITIONS) }, (_, i) => String(i));
    const lagOf = (scraped: Scrape, service: AnyService, logical: string) =>
      samples(scraped, 'messaging_kafka_consumer_lag', {
        messaging_destination_name: topic(logical),
        messaging_consumer_group_name: topic(service),
      });
    await eventually(async () => {
      const now = await scrapeAll();
      const lags = [
        ...PAYMENT_CONSUMERS.map((service) => lagOf(now[service], service, Topics.PaymentEvents)),
        ...ALL_SERVICES.map((service) => lagOf(now[service], service, Topics.UserEvents)),
      ];
      for (const lag of lags) {
        expect(lag.map((series) => series.labels?.messaging_destination_partition_id).sort()).toEqual(partitions);
        expect(lag.map((series) => Number(series.value))).toEqual(lag.map(() => 0));
      }
    }, 30000);
    // the outbox emptied by the relay, once what the payment caused is published
    await eventually(async () => {
      const now = await scrapeAll();
      for (const service of ALL_SERVICES) {
        expect(total(now[service], 'outbox_backlog', { service })).toBe(0);
        expect(total(now[service], 'outbox_oldest_age_seconds', { service })).toBe(0);
      }
    }, 30000);
  });
});

describe('a message no service can apply', () => {
  it('is counted as a dead letter by each consumer of its topic, by topic and error type', async () => {
    const labels = { messaging_destination_name: topic(Topics.PaymentEvents), error_type: 'InvalidEvent' };
    const before = Object.fromEntries(
      await Promise.all(PAYMENT_CONSUMERS.map(async (s) => [s, total(await scrape(s), 'messaging_dead_letters_total', labels)] as const)),
    );
    const producer = new Kafka({ clientId: 'e2e-metrics', brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      await producer.send({ topic: topic(Topics.PaymentEvents), messages: [{ key: 'poison', value: 'not an event' }] });
    } finally {
      await producer.disconnect();
    }
    await eventually(async () => {
      for (const service of PAYMENT_CONSUMERS) {
        expect(total(await scrape(service), 'messaging_dead_letters_total', labels) - before[service]).toBe(1);
      }
    }, 30000);
  });
});
