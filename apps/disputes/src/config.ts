import { BaseEnvSchema, int, parseEnv, port, ServiceConfig, serviceConfig } from '@app/platform';

export interface DisputeSettings {
  /** A payment may be disputed for this long after it completed. */
  windowMs: number;
  /** A dispute still OPEN this long after it was opened is escalated to operators. */
  reviewSlaMs: number;
  /** How often each instance looks for disputes past the review SLA. */
  sweepIntervalMs: number;
}

export interface DisputesConfig extends ServiceConfig {
  disputes: DisputeSettings;
}

export const DISPUTE_SETTINGS = Symbol('DISPUTE_SETTINGS');

const DAY_MS = 86_400_000;

export const EnvSchema = BaseEnvSchema.extend({
  DISPUTES_PORT: port(3007),
  DISPUTE_WINDOW_D: int(30, 1, 3650),
  // UDIR escalates a complaint left unresolved for a day.
  DISPUTE_REVIEW_SLA_S: int(86_400, 1, 31_536_000),
  DISPUTE_SWEEP_INTERVAL_MS: int(1000, 10, 3_600_000),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DisputesConfig {
  const parsed = parseEnv(EnvSchema, env);
  return {
    ...serviceConfig('disputes', parsed.DISPUTES_PORT, parsed),
    disputes: {
      windowMs: parsed.DISPUTE_WINDOW_D * DAY_MS,
      reviewSlaMs: parsed.DISPUTE_REVIEW_SLA_S * 1000,
      sweepIntervalMs: parsed.DISPUTE_SWEEP_INTERVAL_MS,
    },
  };
}
