import { z } from 'zod';
import { int } from '@app/platform';

/** What the operator console's own routes need beyond the gateway's settings. */
export interface ConsoleSettings {
  /** The trace viewer's API (Zipkin's /api/v2), read by the gateway so that the browser makes no cross-origin call. */
  zipkinUrl: string;
  /** How long reading one instance's /metrics may take before the overview shows it without data. */
  scrapeTimeoutMs: number;
}

export const CONSOLE_SETTINGS = Symbol('CONSOLE_SETTINGS');

/** The console's variables, spread into the gateway's EnvSchema. */
export const ConsoleEnv = {
  ZIPKIN_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .default('http://127.0.0.1:9411')
    .transform((url) => url.replace(/\/+$/, '')),
  CONSOLE_SCRAPE_TIMEOUT_MS: int(2000, 100, 60_000),
};

export function consoleSettings(parsed: { ZIPKIN_URL: string; CONSOLE_SCRAPE_TIMEOUT_MS: number }): ConsoleSettings {
  return { zipkinUrl: parsed.ZIPKIN_URL, scrapeTimeoutMs: parsed.CONSOLE_SCRAPE_TIMEOUT_MS };
}
