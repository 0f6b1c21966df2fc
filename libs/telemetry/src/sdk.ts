import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { METRIC_VIEWS, prometheusReader, startMetricsOnly } from './metrics';

/** Variables with which an operator picks an exporter the standard way; then we do not pick one. */
const EXPORTER_VARIABLES = ['OTEL_TRACES_EXPORTER', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry for a service. Must run before Nest, pg or http are loaded (each service's
 * `tracing.ts`, imported first by its main.ts), so that their instrumentations can patch them.
 * Exports to the local Zipkin unless an exporter is configured through the standard OTEL_*
 * variables; sampling follows OTEL_TRACES_SAMPLER (default: always on); OTEL_SDK_DISABLED=true
 * turns it off. Kafka spans and context propagation are done by the messaging runtime itself,
 * because the outbox relay publishes later, under the context stored with each row.
 * Metrics go through the same SDK, to a Prometheus reader that the service's `/metrics` answers
 * from (see `scrapeMetrics`); with OTEL_SDK_DISABLED=true there are still metrics, without traces.
 */
export function startTelemetry(serviceName: string): void {
  if (sdk) return;
  const name = process.env.OTEL_SERVICE_NAME ?? serviceName;
  if (process.env.OTEL_SDK_DISABLED === 'true') return startMetricsOnly(name);
  const configured = EXPORTER_VARIABLES.some((variable) => process.env[variable]);
  sdk = new NodeSDK({
    serviceName: name,
    metricReaders: [prometheusReader()],
    views: METRIC_VIEWS,
    traceExporter: configured
      ? undefined
      : new ZipkinExporter({ url: process.env.OTEL_EXPORTER_ZIPKIN_ENDPOINT ?? 'http://127.0.0.1:9411/api/v2/spans' }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => /^\/(health|docs|metrics)/.test(request.url ?? ''),
        // The exporter's own requests and other outgoing calls outside a trace are noise.
        requireParentforOutgoingSpans: true,
      }),
      // A span per statement; taking a pooled connection is not worth one.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
      new NestInstrumentation(),
    ],
  });
  sdk.start();
}

/** Flushes the spans still buffered (and stops the meter provider); called when the service shuts down. */
export async function shutdownTelemetry(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown().catch(() => undefined);
}
