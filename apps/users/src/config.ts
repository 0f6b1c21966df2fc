import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { BaseEnvSchema, int, parseEnv, port, ServiceConfig, serviceConfig } from '@app/platform';
import { ScryptParams } from './passwords/password-hasher';
import { PHONE_PATTERN } from './user-rules';

/** How access tokens are made (`iss` and `aud` are AUTH_ISSUER and AUTH_AUDIENCE, which every service checks). */
export interface TokenSettings {
  issuer: string;
  audience: string;
  ttlS: number;
  /** PEM (PKCS#8) or a JWK as JSON; when absent, the key kept in `keyFile` (made there once). */
  privateKey?: string;
  /** Absolute. */
  keyFile: string;
}

/** How often a key may be tried before it is refused for a while (counted in Redis, by `Limits`). */
export interface ThrottleSettings {
  /** Failed sign-ins per phone within `loginWindowS` before further attempts get 429. */
  loginMaxFailures: number;
  loginWindowS: number;
  /** Address lookups per user within `lookupWindowS`. */
  lookupsPerWindow: number;
  lookupWindowS: number;
}

export interface UsersConfig extends ServiceConfig {
  tokens: TokenSettings;
  passwords: ScryptParams;
  throttles: ThrottleSettings;
  /** Phones that hold the operator role from registration on. */
  operatorPhones: string[];
}

export const TOKEN_SETTINGS = Symbol('TOKEN_SETTINGS');
export const THROTTLE_SETTINGS = Symbol('THROTTLE_SETTINGS');
export const OPERATOR_PHONES = Symbol('OPERATOR_PHONES');
export const PASSWORD_PARAMS = Symbol('PASSWORD_PARAMS');

/** The repository root (the nearest directory above this file with a package.json), for relative paths. */
export function repoRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

const phones = z
  .string()
  .default('')
  .transform((text) =>
    text
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(PHONE_PATTERN, 'expected phones such as +919876543210, comma-separated')));

export const EnvSchema = BaseEnvSchema.extend({
  USERS_PORT: port(3005),
  OPERATOR_PHONES: phones,
  AUTH_TOKEN_TTL_S: int(900, 30, 86_400),
  // empty is unset (docker-compose passes ${AUTH_PRIVATE_KEY:-})
  AUTH_PRIVATE_KEY: z
    .string()
    .optional()
    .transform((text) => text?.trim() || undefined),
  AUTH_KEY_FILE: z.string().trim().min(1).default('.cache/keys/users-signing-key.json'),
  LOGIN_THROTTLE_S: int(900, 1, 86_400),
  // scrypt's cost is 2^this (r = 8, p = 5); raising it leaves the stored hashes valid.
  PASSWORD_SCRYPT_LOG_N: int(14, 10, 20),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): UsersConfig {
  const parsed = parseEnv(EnvSchema, env);
  return {
    ...serviceConfig('users', parsed.USERS_PORT, parsed),
    tokens: {
      issuer: parsed.AUTH_ISSUER,
      audience: parsed.AUTH_AUDIENCE,
      ttlS: parsed.AUTH_TOKEN_TTL_S,
      privateKey: parsed.AUTH_PRIVATE_KEY,
      keyFile: isAbsolute(parsed.AUTH_KEY_FILE) ? parsed.AUTH_KEY_FILE : resolve(repoRoot(), parsed.AUTH_KEY_FILE),
    },
    passwords: { logN: parsed.PASSWORD_SCRYPT_LOG_N, r: 8, p: 5 },
    throttles: { loginMaxFailures: 5, loginWindowS: parsed.LOGIN_THROTTLE_S, lookupsPerWindow: 30, lookupWindowS: 60 },
    operatorPhones: parsed.OPERATOR_PHONES,
  };
}
