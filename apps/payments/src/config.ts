import { z } from 'zod';
import { BaseEnvSchema, int, parseEnv, port, ServiceConfig, serviceConfig } from '@app/platform';

/** How a payment's timeline links to its trace. */
export interface TimelineSettings {
  /** The trace viewer's page of one trace, with `{traceId}` where the trace id goes. */
  traceViewerUrl: string;
}

export const FraudFailureModes = ['closed', 'open'] as const;
export type FraudFailureMode = (typeof FraudFailureModes)[number];

/** When a payment that is still PENDING stops waiting. */
export interface DeadlineSettings {
  /** A payment not final this long after it was created fails EXPIRED (UPI's request-pay limit). */
  paymentTimeoutMs: number;
  /** What a missing fraud assessment means: `closed` lets the payment expire, `open` approves it. */
  fraudFailureMode: FraudFailureMode;
  /** With `open`: how long to wait for an assessment before approving without one. */
  fraudTimeoutMs: number;
  /** How often the sweeper looks for payments past a deadline. */
  sweepIntervalMs: number;
}

export interface IdempotencySettings {
  /** Idempotency keys are kept at least this long; older ones may be purged. */
  ttlHours: number;
}

export interface IntakeSettings {
  /** Payment initiations a user may make a minute (counted in Redis, shared by the instances); beyond: 429. */
  paymentsPerUserPerMin: number;
}

export interface PaymentsConfig extends ServiceConfig {
  timeline: TimelineSettings;
  deadlines: DeadlineSettings;
  idempotency: IdempotencySettings;
  intake: IntakeSettings;
}

export const TIMELINE_SETTINGS = Symbol('TIMELINE_SETTINGS');
export const DEADLINE_SETTINGS = Symbol('DEADLINE_SETTINGS');
export const IDEMPOTENCY_SETTINGS = Symbol('IDEMPOTENCY_SETTINGS');
export const INTAKE_SETTINGS = Symbol('INTAKE_SETTINGS');

export const EnvSchema = BaseEnvSchema.extend({
  PAYMENTS_PORT: port(3000),
  // The local Zipkin that `npm start` runs; Jaeger's would be http://127.0.0.1:16686/trace/{traceId}.
  TRACE_VIEWER_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .default('http://127.0.0.1:9411/zipkin/traces/{traceId}')
    .refine((url) => url.includes('{traceId}'), 'must contain {traceId}, where the trace id goes'),
  PAYMENT_TIMEOUT_S: int(15, 1, 86_400),
  FRAUD_FAILURE_MODE: z.enum(FraudFailureModes, { error: 'must be "closed" or "open"' }).default('closed'),
  FRAUD_TIMEOUT_MS: int(5000, 100, 86_400_000),
  EXPIRY_SWEEP_MS: int(1000, 10, 60_000),
  // UPI clients may retry for a day: a shorter window would turn a late retry into a second payment.
  IDEMPOTENCY_TTL_H: int(24, 24, 24 * 366),
  RATE_LIMIT_PAYMENTS_PER_MIN: int(60, 1, 1_000_000),
}).superRefine((env, ctx) => {
  // Only checked where it matters: with `closed` the fraud timeout is not used at all.
  if (env.FRAUD_FAILURE_MODE === 'open' && env.FRAUD_TIMEOUT_MS >= env.PAYMENT_TIMEOUT_S * 1000) {
    ctx.addIssue({
      code: 'custom',
      path: ['FRAUD_TIMEOUT_MS'],
      message: `must be less than PAYMENT_TIMEOUT_S × 1000 (${env.PAYMENT_TIMEOUT_S * 1000}) with FRAUD_FAILURE_MODE=open, or every payment would expire first`,
    });
  }
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): PaymentsConfig {
  const parsed = parseEnv(EnvSchema, env);
  return {
    ...serviceConfig('payments', parsed.PAYMENTS_PORT, parsed),
    timeline: { traceViewerUrl: parsed.TRACE_VIEWER_URL },
    deadlines: {
      paymentTimeoutMs: parsed.PAYMENT_TIMEOUT_S * 1000,
      fraudFailureMode: parsed.FRAUD_FAILURE_MODE,
      fraudTimeoutMs: parsed.FRAUD_TIMEOUT_MS,
      sweepIntervalMs: parsed.EXPIRY_SWEEP_MS,
    },
    idempotency: { ttlHours: parsed.IDEMPOTENCY_TTL_H },
    intake: { paymentsPerUserPerMin: parsed.RATE_LIMIT_PAYMENTS_PER_MIN },
  };
}
