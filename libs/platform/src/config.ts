import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Configuration is read once, at boot, from the environment and validated into a typed object.
 * A missing or malformed variable stops the process with a message naming it.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const csv = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text) =>
      text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    );

/** A whole number from an environment variable: digits only, so '' or '1e3' is an error, not 0 or 1000. */
export const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .default(String(fallback))
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const port = (fallback: number) => int(fallback, 0, 65535);

/** Variables every service reads. */
export const BaseEnvSchema = z.object({
  KAFKA_BROKERS: csv('127.0.0.1:9092').pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port')).min(1)),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/)
    .default(''),
  KAFKA_PARTITIONS: int(6, 1, 1000),
  KAFKA_REPLICATION_FACTOR: int(1, 1, 10),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/payments'),
  DATABASE_POOL_SIZE: int(10, 1, 100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  HOST: z.string().min(1).default('0.0.0.0'),
  MESSAGE_MAX_ATTEMPTS: int(5, 1, 100),
  // Applied event ids are kept this long for deduplication: at least as long as the topics keep messages.
  INBOX_RETENTION_H: int(168, 1, 87_600),
  // A consumer's fetch waits for this many bytes, or this long, whichever comes first: fuller batches for less work per event.
  KAFKA_FETCH_MIN_BYTES: int(65536, 1, 10485760),
  KAFKA_FETCH_MAX_WAIT_MS: int(20, 0, 5000),
  // Whose access tokens every service accepts: the users service's by default, or an OIDC provider's.
  AUTH_ISSUER: z.string().min(1).default('http://127.0.0.1:3005'),
  AUTH_AUDIENCE: z.string().min(1).default('upi-payments'),
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).default('http://127.0.0.1:3005/.well-known/jwks.json'),
  // Where a token's roles are: a claim name, or a dotted path such as realm_access.roles (Keycloak).
  AUTH_ROLES_CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_:/.-]+$/)
    .default('roles'),
  AUTH_CLOCK_SKEW_S: int(30, 0, 30),
  // Request counters live in Redis, shared by every instance of a service.
  REDIS_URL: z.url({ protocol: /^rediss?$/, message: 'must be a redis:// or rediss:// URL' }).default('redis://127.0.0.1:6379'),
  RATE_LIMIT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._:-]*$/, 'letters, digits, ".", "_", ":" and "-" only')
    .default('rl:'),
  // Requests a minute per client address, per service (health checks aside).
  RATE_LIMIT_PER_MIN: int(1200, 1, 1_000_000),
  // Browser origins allowed to call the services; empty: no CORS headers at all.
  CORS_ORIGINS: csv('').pipe(z.array(z.string().regex(/^https?:\/\/[^/\s,]+$/, 'expected origins such as https://app.example.com'))),
  // Proxies whose X-Forwarded-For is believed (the gateway's address): addresses, CIDRs, or 'loopback'; empty: none.
  TRUST_PROXY: csv('').pipe(
    z.array(
      z
        .string()
        .refine(
          (entry) => ['loopback', 'linklocal', 'uniquelocal'].includes(entry) || isCidrOrAddress(entry),
          'expected addresses or CIDRs (10.0.0.0/8), or loopback',
        ),
    ),
  ),
});

function isCidrOrAddress(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

export type BaseEnv = z.infer<typeof BaseEnvSchema>;

/** The typed configuration every service gets; services add their own section. */
export interface ServiceConfig {
  service: string;
  /** `trustProxy`: the proxies (addresses, CIDRs, `loopback`) whose X-Forwarded-For names the client; empty: none. */
  http: { host: string; port: number; corsOrigins: string[]; trustProxy: string[] };
  kafka: {
    brokers: string[];
    topicPrefix: string;
    partitions: number;
    replicationFactor: number;
    fetchMinBytes: number;
    fetchMaxWaitMs: number;
  };
  database: { url: string; schema: string; poolSize: number };
  log: { level: BaseEnv['LOG_LEVEL']; format: BaseEnv['LOG_FORMAT'] };
  messaging: { maxAttempts: number; inboxRetentionHours: number };
  auth: AuthSettings;
  redis: { url: string };
  /** `prefix` goes before every counter's key in Redis; `perAddressPerMin` is the general limit per client address. */
  rateLimit: { prefix: string; perAddressPerMin: number };
}

/** How every service verifies access tokens (see `@app/auth`). */
export interface AuthSettings {
  issuer: string;
  audience: string;
  jwksUrl: string;
  rolesClaim: string;
  clockSkewS: number;
}

export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`));
  }
  return result.data;
}

/** Builds the shared part of a service's configuration; the database schema is the service name. */
export function serviceConfig(service: string, port: number, env: BaseEnv): ServiceConfig {
  return {
    service,
    http: { host: env.HOST, port, corsOrigins: env.CORS_ORIGINS, trustProxy: env.TRUST_PROXY },
    kafka: {
      brokers: env.KAFKA_BROKERS,
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
      partitions: env.KAFKA_PARTITIONS,
      replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      fetchMinBytes: env.KAFKA_FETCH_MIN_BYTES,
      fetchMaxWaitMs: env.KAFKA_FETCH_MAX_WAIT_MS,
    },
    database: { url: env.DATABASE_URL, schema: service, poolSize: env.DATABASE_POOL_SIZE },
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    messaging: { maxAttempts: env.MESSAGE_MAX_ATTEMPTS, inboxRetentionHours: env.INBOX_RETENTION_H },
    auth: {
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      jwksUrl: env.AUTH_JWKS_URL,
      rolesClaim: env.AUTH_ROLES_CLAIM,
      clockSkewS: env.AUTH_CLOCK_SKEW_S,
    },
    redis: { url: env.REDIS_URL },
    rateLimit: { prefix: env.RATE_LIMIT_PREFIX, perAddressPerMin: env.RATE_LIMIT_PER_MIN },
  };
}
