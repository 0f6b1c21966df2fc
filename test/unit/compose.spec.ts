import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parseDocument } from 'yaml';

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

  it('runs Kafka, PostgreSQL, Redis, Jaeger and the eight services', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'analytics',
      'disputes',
      'fraud',
      'inventory',
      'jaeger',
      'kafka',
      'ledger',
      'notifications',
      'payments',
      'postgres',
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

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('builds in one stage and runs the chosen service with production dependencies only in another', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/npm run build && npm prune --omit=dev/);
    expect(dockerfile).toMatch(/^CMD exec node dist\/apps\/\$\{SERVICE[^}]*\}\/src\/main\.js$/m);
  });
});
