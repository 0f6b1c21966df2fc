import { OnApplicationBootstrap } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { meter, METRICS_CONTENT_TYPE, scrapeMetrics } from '@app/telemetry';
import { ServiceConfig } from './config';

export const METRICS_PATH = '/metrics';

/** OpenTelemetry's advice for `http.server.request.duration`, in seconds. */
const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * `GET /metrics` on the service's own port, in Prometheus' text format: a plain Fastify route, so
 * outside Nest (no guard asks for a token; it is not in the API document) and outside the
 * per-address request limit (Prometheus scrapes from one address); the http instrumentation
 * ignores it too (libs/telemetry). Register it after `hardenHttp`, whose limit reads the route's config.
 */
export function serveMetrics(fastify: FastifyInstance): void {
  fastify.get(METRICS_PATH, { config: { rateLimit: false } }, async (_request, reply) =>
    reply
      .type(METRICS_CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .send(await scrapeMetrics()),
  );
}

/**
 * `http.server.request.duration` for every request but the scrapes, by method, route template
 * (`/v1/payments/:id`; none for a request that matched no route) and status: one place for every
 * service, with the route Fastify matched. Register before the routes are.
 */
export function observeHttpRequests(fastify: FastifyInstance): void {
  const duration = meter('@app/platform').createHistogram('http.server.request.duration', {
    description: 'Duration of HTTP server requests.',
    unit: 's',
    advice: { explicitBucketBoundaries: HTTP_DURATION_BUCKETS },
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route !== METRICS_PATH) {
      duration.record(reply.elapsedTime / 1000, {
        'http.request.method': request.method,
        ...(route ? { 'http.route': route } : {}),
        'http.response.status_code': reply.statusCode,
        ...(reply.statusCode >= 500 ? { 'error.type': String(reply.statusCode) } : {}),
      });
    }
    done();
  });
}

/**
 * The database pool TypeORM holds, observed at each scrape (OpenTelemetry's database client
 * metrics): connections idle and in use, the pool's maximum, and requests waiting for a connection.
 */
export class DatabasePoolMetrics implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    const pool = () => (this.dataSource.driver as unknown as { master?: Pool }).master;
    const poolName = { 'db.client.connection.pool.name': this.config.service };
    const instruments = meter('@app/platform');
    const count = instruments.createObservableUpDownCounter('db.client.connection.count', {
      description: 'The number of connections that are currently in the state described by the state attribute.',
      unit: '{connection}',
    });
    const max = instruments.createObservableUpDownCounter('db.client.connection.max', {
      description: 'The maximum number of open connections allowed.',
      unit: '{connection}',
    });
    const pending = instruments.createObservableUpDownCounter('db.client.connection.pending_requests', {
      description: 'The number of current pending requests for an open connection.',
      unit: '{request}',
    });
    instruments.addBatchObservableCallback(
      (result) => {
        const current = pool();
        if (!current) return;
        result.observe(count, current.idleCount, { ...poolName, 'db.client.connection.state': 'idle' });
        result.observe(count, current.totalCount - current.idleCount, { ...poolName, 'db.client.connection.state': 'used' });
        result.observe(max, this.config.database.poolSize, poolName);
        result.observe(pending, current.waitingCount, poolName);
      },
      [count, max, pending],
    );
  }
}
