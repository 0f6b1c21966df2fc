import { z } from 'zod';
import { parseRupees } from '@app/contracts';
import { BaseEnvSchema, parseEnv, port, ServiceConfig, serviceConfig } from '@app/platform';

export interface LedgerSettings {
  /** What a payer may debit (posted plus held) on one calendar day in India, in paise. */
  dailyLimitPaise: number;
}

export interface LedgerConfig extends ServiceConfig {
  ledger: LedgerSettings;
}

export const LEDGER_SETTINGS = Symbol('LEDGER_SETTINGS');

export const EnvSchema = BaseEnvSchema.extend({
  LEDGER_PORT: port(3006),
  // UPI's person-to-person limit by default.
  LEDGER_DAILY_LIMIT: z
    .string()
    .trim()
    .default('100000.00')
    .refine((text) => (parseRupees(text) ?? 0) > 0, 'must be a decimal amount above zero such as "100000.00"')
    .transform((text) => parseRupees(text)!),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const parsed = parseEnv(EnvSchema, env);
  return { ...serviceConfig('ledger', parsed.LEDGER_PORT, parsed), ledger: { dailyLimitPaise: parsed.LEDGER_DAILY_LIMIT } };
}
