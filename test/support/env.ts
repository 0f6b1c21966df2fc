/**
 * The environment of one test file: its own database, its own topic and group names and its own
 * request counters in Redis, so test files never see each other's data, and a run never sees
 * another run's.
 */
export function testEnv(name: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const runId = process.env.TEST_RUN_ID ?? `r${Date.now().toString(36)}`;
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/pt_${runId}_${name.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`;
  return {
    ...process.env,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    KAFKA_TOPIC_PREFIX: `${runId}.${name}.`,
    KAFKA_PARTITIONS: '3',
    DATABASE_URL: base.toString(),
    DATABASE_POOL_SIZE: '5',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    MESSAGE_MAX_ATTEMPTS: '3',
    // Outcomes under test must not turn into EXPIRED on a busy machine; expiry has its own tests.
    PAYMENT_TIMEOUT_S: '300',
    // Spans are made (as in production) but exported nowhere, unless a test brings its own viewer.
    OTEL_TRACES_EXPORTER: 'none',
    // Tests send many requests from one address: limits far away, and counters of this run and file alone.
    RATE_LIMIT_PER_MIN: '1000000',
    RATE_LIMIT_PREFIX: `${runId}.${name}:`,
    ...extra,
  };
}
