import { z } from 'zod';
import { BaseEnvSchema, int, parseEnv, port, ServiceConfig, serviceConfig } from '@app/platform';
import { ConsoleEnv, consoleSettings, ConsoleSettings } from './console/console.config';
import { UPSTREAM_SERVICES, UpstreamService } from './routes';

export interface GatewaySettings {
  /** Each service's instances: base URLs (origin only), in order. */
  upstreams: Record<UpstreamService, string[]>;
  healthIntervalMs: number;
  /** How long an upstream may take to answer (its headers, then each pause in its body): 504 after. */
  upstreamTimeoutMs: number;
  /** How long a client may take to send its whole request (headers and body): 408 after. */
  clientTimeoutMs: number;
}

export interface GatewayConfig extends ServiceConfig {
  gateway: GatewaySettings;
  console: ConsoleSettings;
}

export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');

/** `<SERVICE>_URLS`: a comma-separated list of http(s) base URLs, by default the service's own default port on this machine. */
const urls = (defaultPort: number) =>
  z
    .string()
    .default(`http://127.0.0.1:${defaultPort}`)
    .transform((text, ctx) => {
      const list = text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
      if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one URL' });
      const origins: string[] = [];
      for (const entry of list) {
        const url = URL.canParse(entry) ? new URL(entry) : undefined;
        if (!url || !/^https?:$/.test(url.protocol) || (url.pathname !== '/' && url.pathname !== '') || url.search) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not a base URL such as http://127.0.0.1:3000` });
        } else {
          origins.push(url.origin);
        }
      }
      return [...new Set(origins)];
    });

const upstreamVariables = Object.fromEntries(
  Object.entries(UPSTREAM_SERVICES).map(([service, defaultPort]) => [`${service.toUpperCase()}_URLS`, urls(defaultPort)]),
) as Record<`${Uppercase<UpstreamService>}_URLS`, ReturnType<typeof urls>>;

export const EnvSchema = BaseEnvSchema.extend({
  GATEWAY_PORT: port(8080),
  GATEWAY_HEALTH_INTERVAL_MS: int(1000, 50, 60_000),
  GATEWAY_UPSTREAM_TIMEOUT_MS: int(10_000, 100, 300_000),
  GATEWAY_CLIENT_TIMEOUT_MS: int(30_000, 1000, 300_000),
  ...upstreamVariables,
  ...ConsoleEnv,
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = parseEnv(EnvSchema, env);
  const upstreams = Object.fromEntries(
    Object.keys(UPSTREAM_SERVICES).map((service) => [service, parsed[`${service.toUpperCase()}_URLS` as keyof typeof upstreamVariables]]),
  ) as Record<UpstreamService, string[]>;
  return {
    ...serviceConfig('gateway', parsed.GATEWAY_PORT, parsed),
    gateway: {
      upstreams,
      healthIntervalMs: parsed.GATEWAY_HEALTH_INTERVAL_MS,
      upstreamTimeoutMs: parsed.GATEWAY_UPSTREAM_TIMEOUT_MS,
      clientTimeoutMs: parsed.GATEWAY_CLIENT_TIMEOUT_MS,
    },
    console: consoleSettings(parsed),
  };
}
