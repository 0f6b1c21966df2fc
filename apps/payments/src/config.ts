import { z } from 'zod';
import { BaseEnvSchema, parseEnv, port, ServiceConfig, serviceConfig } from '@app/platform';

/** How a payment's timeline links to its trace. */
export interface TimelineSettings {
  /** The trace viewer's page of one trace, with `{traceId}` where the trace id goes. */
  traceViewerUrl: string;
}

export interface PaymentsConfig extends ServiceConfig {
  timeline: TimelineSettings;
}

export const TIMELINE_SETTINGS = Symbol('TIMELINE_SETTINGS');

const EnvSchema = BaseEnvSchema.extend({
  PAYMENTS_PORT: port(3000),
  // The local Zipkin that `npm start` runs; Jaeger's would be http://127.0.0.1:16686/trace/{traceId}.
  TRACE_VIEWER_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .default('http://127.0.0.1:9411/zipkin/traces/{traceId}')
    .refine((url) => url.includes('{traceId}'), 'must contain {traceId}, where the trace id goes'),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): PaymentsConfig {
  const parsed = parseEnv(EnvSchema, env);
  return {
    ...serviceConfig('payments', parsed.PAYMENTS_PORT, parsed),
    timeline: { traceViewerUrl: parsed.TRACE_VIEWER_URL },
  };
}
