import { diag, metrics as api, Meter } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { metrics as sdk, resources } from '@opentelemetry/sdk-node';

/**
 * Metrics are read by Prometheus from each service's own HTTP port (`GET /metrics`, see
 * libs/platform): a pull reader of the SDK's meter provider, with no server of its own.
 */
let reader: PrometheusExporter | undefined;

/** Resource attributes repeated as labels on every series: the service's name (`service_name`). */
const CONSTANT_LABELS = /^service\.name$/;
const serializer = new PrometheusSerializer('', false, CONSTANT_LABELS);

/**
 * One source per series. The http instrumentation's own duration histogram knows no route under
 * Fastify (the platform records `http.server.request.duration` itself, with the route), and the pg
 * instrumentation's pool counters are one counter for every pool of the process (the platform
 * observes the pool TypeORM holds instead). Its `db.client.operation.duration` is kept.
 */
export const METRIC_VIEWS: sdk.ViewOptions[] = [
  { meterName: '@opentelemetry/instrumentation-http', aggregation: { type: sdk.AggregationType.DROP } },
  ...['db.client.connection.count', 'db.client.connection.max', 'db.client.connection.pending_requests'].map((instrumentName) => ({
    meterName: '@opentelemetry/instrumentation-pg',
    instrumentName,
    aggregation: { type: sdk.AggregationType.DROP },
  })),
];

/** The reader the SDK's meter provider is given (made once). */
export function prometheusReader(): PrometheusExporter {
  reader ??= new PrometheusExporter({ preventServerStart: true, withResourceConstantLabels: CONSTANT_LABELS });
  return reader;
}

/**
 * Metrics without the rest of the SDK: for OTEL_SDK_DISABLED=true (no traces, no instrumentation,
 * but still `/metrics`), and for services started inside a test process. Once per process.
 */
export function startMetricsOnly(serviceName: string): void {
  if (reader) return;
  const provider = new sdk.MeterProvider({
    resource: resources.defaultResource().merge(resources.resourceFromAttributes({ 'service.name': serviceName })),
    readers: [prometheusReader()],
    views: METRIC_VIEWS,
  });
  api.setGlobalMeterProvider(provider);
}

/** The meter of a library or service; instruments made before telemetry starts record nothing, so make them late (in constructors). */
export function meter(name: string): Meter {
  return api.getMeter(name);
}

/** The content type of Prometheus' text exposition format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Every series, in Prometheus' text format, as a scrape reads them (empty when metrics were never started). */
export async function scrapeMetrics(): Promise<string> {
  if (!reader) return '# metrics are not started in this process\n';
  const { resourceMetrics, errors } = await reader.collect();
  // An observable that failed (the database away, say) is left out of this scrape; the rest is served.
  if (errors.length > 0) diag.warn('metrics collection errors', ...errors);
  return serializer.serialize(withUnitSuffixes(resourceMetrics));
}

/** Prometheus' suffixes for the units used here (OpenTelemetry's Prometheus compatibility rules). */
const UNIT_SUFFIXES: Record<string, string> = { s: 'seconds', ms: 'milliseconds', By: 'bytes', '1': 'ratio' };

/**
 * The exporter of this version writes a metric's name without its unit, where the compatibility
 * rules add it (`http.server.request.duration`, unit s → `http_server_request_duration_seconds`):
 * the names are given their suffix here, before serialising. Annotations (`{connection}`) add none.
 */
export function withUnitSuffixes(resourceMetrics: sdk.ResourceMetrics): sdk.ResourceMetrics {
  return {
    ...resourceMetrics,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric) => {
        const suffix = UNIT_SUFFIXES[metric.descriptor.unit];
        const { name } = metric.descriptor;
        if (!suffix || name.endsWith(`.${suffix}`) || name.endsWith(`_${suffix}`)) return metric;
        return { ...metric, descriptor: { ...metric.descriptor, name: `${name}.${suffix}` } };
      }),
    })),
  };
}
