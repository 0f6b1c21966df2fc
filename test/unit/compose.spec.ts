import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse, parseDocument } from 'yaml';
import { appNames, defaultPortOf, deployedApps } from './support/apps-in-code';

/**
 * docker-compose.yml cannot be run here (no Docker engine in CI), so it is checked statically:
 * against the Compose Specification JSON schema (vendored, see test/fixtures/compose-spec), and
 * for the facts the system relies on (ports, health checks, start order, restart policy).
 */
const ROOT = join(__dirname, '..', '..');
const APPS = {
  payments: 3000,
  fraud: 3001,
  notifications: 3002,
  inventory: 3003,
  analytics: 3004,
  users: 3005,
  ledger: 3006,
  disputes: 3007,
} as const;

type Env = Record<string, string | number | boolean | null>;
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  ports?: string[];
  environment?: Env;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  restart?: string;
}
interface Compose {
  services: Record<string, Service>;
}

function loadCompose(): Compose {
  const document = parseDocument(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
  expect(document.errors).toEqual([]);
  expect(document.warnings).toEqual([]);
  return document.toJS() as Compose;
}

function composeValidator() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/compose-spec/compose_spec.json'), 'utf8')) as Record<string, unknown>;
  // The vendored schema names its draft with the old "$schema" URL and uses draft-04 style "id"
  // annotations, which Ajv rejects; both carry no validation rules.
  delete schema.$schema;
  const stripIds = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.id === 'string') delete record.id;
    Object.values(record).forEach(stripIds);
  };
  stripIds(schema);
  // strict: false because the schema was not written for Ajv's strict mode (union types)
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\[?[\dA-Za-z.:]+\]?:)?(\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[\dA-Fa-f.:]+\/\d{1,3}$/);
  return ajv.compile(schema);
}

const validate = composeValidator();
const compose = loadCompose();
const errorsOf = (document: unknown) => (validate(document) ? [] : (validate.errors ?? []));

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    expect(errorsOf(compose)).toEqual([]);
  });

  it('would be rejected by the schema if it were malformed (the validation bites)', () => {
    const broken = structuredClone(compose);
    broken.services.payments.restart = 42 as unknown as string;
    (broken.services.fraud as Record<string, unknown>).healthchek = { test: ['CMD', 'true'] };
    broken.services.inventory.depends_on = { kafka: { condition: 'service_ready' } };

    const paths = errorsOf(broken).map((error) => `${error.instancePath} ${error.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/services/payments/restart must be string',
        '/services/fraud must NOT have additional properties',
        '/services/inventory/depends_on/kafka/condition must be equal to one of the allowed values',
      ]),
    );
  });

  it('runs Kafka, PostgreSQL, Redis, Jaeger, the eight services (payments twice), the gateway, Prometheus and Grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'analytics',
      'disputes',
      'fraud',
      'gateway',
      'grafana',
      'inventory',
      'jaeger',
      'kafka',
      'ledger',
      'notifications',
      'payments',
      'payments-2',
      'postgres',
      'prometheus',
      'redis',
      'users',
    ]);
  });

  it('gives every service a health check and a restart policy', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ name, test: service.healthcheck?.test }).toEqual({ name, test: expect.anything() });
      expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
    }
  });

  it.each(Object.entries(APPS))(
    '%s: built from the Dockerfile, on its port, started once Kafka, PostgreSQL and Redis are healthy',
    (name, port) => {
      const service = compose.services[name];
      expect(service.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
      expect(service.ports).toEqual([`${port}:${port}`]);
      expect(service.environment).toMatchObject({
        SERVICE: name,
        [`${name.toUpperCase()}_PORT`]: String(port),
        KAFKA_BROKERS: 'kafka:9092',
        DATABASE_URL: 'postgres://postgres:postgres@postgres:5432/payments',
        REDIS_URL: 'redis://redis:6379',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
        TRACE_VIEWER_URL: 'http://localhost:16686/trace/{traceId}',
        AUTH_JWKS_URL: 'http://users:3005/.well-known/jwks.json',
      });
      expect(service.depends_on).toMatchObject({
        kafka: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      expect(service.healthcheck?.test).toEqual([
        'CMD',
        'node',
        '-e',
        expect.stringContaining(`fetch('http://127.0.0.1:${port}/health/ready')`),
      ]);
    },
  );

  it('passes the fraud settings through, with the documented defaults', () => {
    expect(compose.services.fraud.environment).toMatchObject({
      FRAUD_BLOCKED_VPAS: '${FRAUD_BLOCKED_VPAS:-}',
      FRAUD_VELOCITY_LIMIT: '${FRAUD_VELOCITY_LIMIT:-10}',
      FRAUD_VELOCITY_WINDOW_S: '${FRAUD_VELOCITY_WINDOW_S:-60}',
      FRAUD_HIGH_AMOUNT: '${FRAUD_HIGH_AMOUNT:-10000.00}',
    });
  });

  it('passes the users settings through, and keeps the signing key the service makes in a volume', () => {
    const users = compose.services.users as Service & { volumes?: string[] };
    expect(users.environment).toMatchObject({ OPERATOR_PHONES: '${OPERATOR_PHONES:-}', AUTH_PRIVATE_KEY: '${AUTH_PRIVATE_KEY:-}' });
    expect(users.volumes).toEqual(['users-keys:/app/.cache/keys']);
  });

  it('runs Kafka as a single KRaft node that advertises the address the services use', () => {
    const kafka = compose.services.kafka;
    expect(kafka.image).toMatch(/^apache\/kafka:4\./);
    expect(kafka.environment).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1,
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: 1,
    });
    expect(String(kafka.environment?.KAFKA_ADVERTISED_LISTENERS).split(',')).toContain('PLAINTEXT://kafka:9092');
  });

  it('runs the Redis the services count their request limits in, at the address they are given', () => {
    const redis = compose.services.redis;
    expect(redis.image).toMatch(/^redis:7/);
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(new URL(String(compose.services.payments.environment?.REDIS_URL)).hostname).toBe('redis');
  });

  it('creates the database the services connect to', () => {
    const postgres = compose.services.postgres;
    expect(postgres.image).toBe('postgres:15');
    expect(postgres.environment).toMatchObject({ POSTGRES_PASSWORD: 'postgres', POSTGRES_DB: 'payments' });
    expect(postgres.healthcheck?.test).toEqual(['CMD-SHELL', expect.stringContaining('pg_isready')]);
  });
});

/** The app a compose service runs (SERVICE), for the application containers. */
const appOf = (name: string) => compose.services[name]?.environment?.SERVICE as string | undefined;
/** The compose services running `app`: payments has two. */
const instancesOf = (app: string) => Object.keys(compose.services).filter((name) => appOf(name) === app);
/** What is wrong with `host:port` addresses meant to reach every instance of `app` on its port. */
function addressProblems(app: string, addresses: string[]): string[] {
  const problems = addresses
    .filter((address) => {
      const [host, port] = address.split(':');
      return appOf(host) !== app || Number(port) !== defaultPortOf(app);
    })
    .map((address) => `${app}: ${address} is not an instance of ${app} on ${defaultPortOf(app)}`);
  const hosts = addresses.map((address) => address.split(':')[0]);
  const missed = instancesOf(app).filter((name) => !hosts.includes(name));
  return missed.length ? [...problems, `${app}: ${missed.join(', ')} left out`] : problems;
}

describe('docker-compose.yml: the second payments instance and the gateway', () => {
  it('runs payments-2 like payments (image, settings, consumer group), without a host port', () => {
    const [payments, second] = [compose.services.payments, compose.services['payments-2']];
    expect(second.image).toBe(payments.image);
    expect(second.build).toEqual(payments.build);
    expect(second.environment).toEqual(payments.environment);
    expect(second.depends_on).toEqual(payments.depends_on);
    expect(second.healthcheck).toEqual(payments.healthcheck);
    expect(second.ports).toBeUndefined();
    expect(instancesOf('payments')).toEqual(['payments', 'payments-2']);
  });

  it('runs the gateway from the Dockerfile on 8080, once every service and Redis are healthy', () => {
    const gateway = compose.services.gateway;
    expect(gateway.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(gateway.ports).toEqual(['8080:8080']);
    expect(gateway.environment).toMatchObject({ SERVICE: 'gateway', GATEWAY_PORT: '8080', REDIS_URL: 'redis://redis:6379' });
    const services = Object.keys(compose.services).filter((name) => appOf(name) && name !== 'gateway');
    expect(Object.keys(gateway.depends_on ?? {}).sort()).toEqual([...services, 'jaeger', 'redis'].sort());
    for (const name of [...services, 'redis']) expect(gateway.depends_on?.[name]).toEqual({ condition: 'service_healthy' });
    expect(gateway.healthcheck?.test).toEqual([
      'CMD',
      'node',
      '-e',
      expect.stringContaining("fetch('http://127.0.0.1:8080/health/ready')"),
    ]);
  });

  it("sends each service's requests to all of its instances, on its port (<SERVICE>_URLS)", () => {
    const env = compose.services.gateway.environment ?? {};
    const upstreams = Object.keys(env).filter((name) => name.endsWith('_URLS'));
    const services = deployedApps().filter((app) => app !== 'gateway');
    expect(upstreams.sort()).toEqual(services.map((app) => `${app.toUpperCase()}_URLS`).sort());
    for (const app of services) {
      const urls = String(env[`${app.toUpperCase()}_URLS`]).split(',');
      expect(
        addressProblems(
          app,
          urls.map((url) => new URL(url).host),
        ),
      ).toEqual([]);
    }
    expect(addressProblems('payments', ['payments:3001'])).toEqual([
      'payments: payments:3001 is not an instance of payments on 3000',
      'payments: payments-2 left out',
    ]);
  });

  it("has the services trust the gateway's fixed address, and no one else's, with X-Forwarded-For", () => {
    const gateway = compose.services.gateway as Service & { networks?: Record<string, { ipv4_address?: string }> };
    const address = gateway.networks?.default?.ipv4_address;
    expect(address).toMatch(/^172\.28\.0\.\d+$/);
    for (const name of Object.keys(compose.services).filter(appOf)) expect(compose.services[name].environment?.TRUST_PROXY).toBe(address);
  });
});

/**
 * The series the services export (GET /metrics), by Prometheus name: the only names the dashboard
 * may query. Kept here, in one place, to follow the code's names.
 */
const HISTOGRAMS = ['http_server_request_duration_seconds', 'payments_duration_seconds'];
const SERIES = [
  'messaging_kafka_consumer_lag',
  'outbox_backlog',
  'outbox_oldest_age_seconds',
  'messaging_dead_letters_total',
  'payments_finalized_total',
  'payments_initiated_total',
  'db_client_connection_count',
  ...HISTOGRAMS.flatMap((name) => ['bucket', 'sum', 'count'].map((suffix) => `${name}_${suffix}`)),
];

/** The metric names a PromQL expression reads: what is left without strings, matchers, ranges, label lists and functions. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}|\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const keywords = new Set(['and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan', 'group_left', 'group_right']);
  return [...bare.matchAll(/\b[A-Za-z_][A-Za-z0-9_]*\b(?!\s*\()/g)].map((m) => m[0]).filter((word) => !keywords.has(word.toLowerCase()));
}

describe('Prometheus and Grafana (deploy/)', () => {
  const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
  interface ScrapeConfig {
    job_name: string;
    metrics_path?: string;
    static_configs: { targets: string[] }[];
  }
  const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as { scrape_configs: ScrapeConfig[] };
  const datasources = (
    parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { uid: string; url: string }[] }
  ).datasources;
  type Panel = { type: string; title: string; datasource?: { uid: string }; targets?: { expr: string; datasource?: { uid: string } }[] };
  const dashboard = JSON.parse(read('deploy/grafana/dashboards/upi-payments.json')) as { uid: string; panels: Panel[] };
  const queries = dashboard.panels.flatMap((panel) => panel.targets ?? []);
  const volumes = (name: string) => ((compose.services[name] as Service & { volumes?: string[] }).volumes ?? []).map((v) => v.split(':'));

  it('scrapes every app (the gateway included) as one job each, at every instance, on its port', () => {
    expect(prometheus.scrape_configs.map((job) => job.job_name).sort()).toEqual(deployedApps());
    expect(appNames().every((app) => deployedApps().includes(app))).toBe(true);
    for (const job of prometheus.scrape_configs) {
      expect([job.job_name, job.metrics_path ?? '/metrics']).toEqual([job.job_name, '/metrics']);
      expect(
        addressProblems(
          job.job_name,
          job.static_configs.flatMap((c) => c.targets),
        ),
      ).toEqual([]);
    }
  });

  it('runs Prometheus with that configuration, and Grafana with the provisioning and the dashboard', () => {
    expect(compose.services.prometheus.image).toMatch(/^prom\/prometheus:v\d/);
    expect(volumes('prometheus')).toContainEqual(['./deploy/prometheus/prometheus.yml', '/etc/prometheus/prometheus.yml', 'ro']);
    expect(compose.services.grafana.image).toMatch(/^grafana\/grafana:\d/);
    const provider = parse(read('deploy/grafana/provisioning/dashboards/upi-payments.yml')) as {
      providers: { options: { path: string } }[];
    };
    expect(volumes('grafana')).toEqual(
      expect.arrayContaining([
        ['./deploy/grafana/provisioning/datasources', '/etc/grafana/provisioning/datasources', 'ro'],
        ['./deploy/grafana/provisioning/dashboards', '/etc/grafana/provisioning/dashboards', 'ro'],
        ['./deploy/grafana/dashboards', provider.providers[0].options.path, 'ro'],
      ]),
    );
    expect(datasources).toHaveLength(1);
    expect(new URL(datasources[0].url).host).toBe(`prometheus:${compose.services.prometheus.ports?.[0].split(':')[1]}`);
  });

  it('has a dashboard whose every query uses the provisioned Prometheus', () => {
    const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
    expect(panels.length).toBeGreaterThan(0);
    for (const panel of panels) {
      expect({ panel: panel.title, uid: panel.datasource?.uid, queries: panel.targets?.length }).toEqual({
        panel: panel.title,
        uid: datasources[0].uid,
        queries: expect.any(Number),
      });
      for (const target of panel.targets!) expect([panel.title, target.datasource?.uid]).toEqual([panel.title, datasources[0].uid]);
    }
  });

  it('queries only series the services export, and shows each of them', () => {
    const names = queries.flatMap((query) => metricNames(query.expr));
    expect(names.filter((name) => !SERIES.includes(name))).toEqual([]);
    const families = SERIES.filter((name) => !/_(sum|count)$/.test(name));
    expect(families.filter((name) => !names.includes(name))).toEqual([]);
  });

  it('finds the metric names in a query, and so a misspelt one (the check bites)', () => {
    expect(
      metricNames('histogram_quantile(0.95, sum by (le, job) (rate(payments_duration_seconds_bucket{job="payments"}[$__rate_interval])))'),
    ).toEqual(['payments_duration_seconds_bucket']);
    expect(metricNames('sum(rate(payments_finalised_total[5m])) / on (job) group_left count(up)')).toEqual([
      'payments_finalised_total',
      'up',
    ]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('builds in one stage and runs the chosen service with production dependencies only in another', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/npm run build && npm prune --omit=dev/);
    expect(dockerfile).toMatch(/^CMD exec node dist\/apps\/\$\{SERVICE[^}]*\}\/src\/main\.js$/m);
  });
});
