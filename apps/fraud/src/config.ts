import { z } from 'zod';
import { isVpa, normalizeVpa, parseRupees } from '@app/contracts';
import { BaseEnvSchema, int, parseEnv, port, ServiceConfig, serviceConfig } from '@app/platform';

/** The settings of the fraud rules. */
export interface FraudSettings {
  /** Lowercase VPAs whose payments are always rejected (as payer or payee). */
  blockedVpas: string[];
  velocityLimit: number;
  velocityWindowSeconds: number;
  /** Paise; an amount at or above this to a payee never paid successfully is rejected. */
  highAmountPaise: number;
}

export interface FraudConfig extends ServiceConfig {
  fraud: FraudSettings;
}

export const FRAUD_SETTINGS = Symbol('FRAUD_SETTINGS');

export const EnvSchema = BaseEnvSchema.extend({
  FRAUD_PORT: port(3001),
  FRAUD_BLOCKED_VPAS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const vpas = text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
      for (const vpa of vpas.filter((v) => !isVpa(v))) {
        ctx.addIssue({ code: 'custom', message: `"${vpa}" is not a VPA like name@bank` });
      }
      return [...new Set(vpas.map(normalizeVpa))];
    }),
  FRAUD_VELOCITY_LIMIT: int(10, 0, 1_000_000),
  FRAUD_VELOCITY_WINDOW_S: int(60, 1, 31_536_000),
  FRAUD_HIGH_AMOUNT: z
    .string()
    .default('10000.00')
    .transform((text, ctx) => {
      const paise = parseRupees(text.trim());
      if (paise === null || paise <= 0) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a positive rupee amount like "10000.00"` });
        return z.NEVER;
      }
      return paise;
    }),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): FraudConfig {
  const parsed = parseEnv(EnvSchema, env);
  return {
    ...serviceConfig('fraud', parsed.FRAUD_PORT, parsed),
    fraud: {
      blockedVpas: parsed.FRAUD_BLOCKED_VPAS,
      velocityLimit: parsed.FRAUD_VELOCITY_LIMIT,
      velocityWindowSeconds: parsed.FRAUD_VELOCITY_WINDOW_S,
      highAmountPaise: parsed.FRAUD_HIGH_AMOUNT,
    },
  };
}
