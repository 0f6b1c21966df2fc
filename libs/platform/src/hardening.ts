import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type Redis from 'ioredis';
import { ServiceConfig } from './config';
import { rateLimited } from './errors';
import { UnsafeInputError, unsafeFields } from './input-safety';

/**
 * Request bodies are JSON, with Fastify's own prototype-poisoning checks: broken JSON is a 400
 * naming the body, and a body of any other content type, or of none, is a 415 (Fastify's error,
 * answered by the error filter) rather than being read as JSON. An empty body is no body, whatever
 * its content type, so a GET or DELETE without one passes.
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    void parseJson(request, body as string, (error, value) =>
      error ? done(Object.assign(new Error('request body is not valid JSON'), { statusCode: 400 }), undefined) : done(null, value),
    );
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    if ((body as Buffer).length === 0) return done(null, undefined);
    done(Object.assign(new Error('unsupported media type'), { statusCode: 415 }), undefined);
  });
}

/**
 * No string a service cannot store or pass on: a NUL (PostgreSQL's text cannot hold it) or a lone
 * UTF-16 surrogate in a path parameter, a query value or anywhere in a JSON body (keys included) is
 * a 400 naming the field, before any handler runs.
 */
export function rejectUnsafeInput(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const errors = [
      ...unsafeFields(request.params, 'params'),
      ...unsafeFields(request.query, 'query'),
      ...unsafeFields(request.body, 'body'),
    ];
    done(errors.length ? new UnsafeInputError(errors) : undefined);
  });
}

// The services answer JSON: nothing may load, run or frame it.
const API_CSP = {
  useDefaults: false,
  directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
};
// The Swagger UI at /docs: its own scripts and styles (and inline <style>), images as data: URIs, calls to this origin. Plain
// HTTP on a developer machine, so no upgrade-insecure-requests (the browser would fetch the UI's files over HTTPS and fail).
const DOCS_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
  },
};
const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/');

/**
 * Registered before the routes are: security headers, CORS only for the configured origins, and a
 * per-address request limit counted in Redis (failing open while Redis is unreachable).
 */
export async function hardenHttp(fastify: FastifyInstance, config: ServiceConfig, redis: Redis): Promise<void> {
  // Added before helmet registers its own onRoute hook, which reads this option.
  fastify.addHook('onRoute', (route) => {
    if (isDocs(route.url)) route.helmet = { contentSecurityPolicy: DOCS_CSP };
  });
  await fastify.register(helmet, { contentSecurityPolicy: API_CSP, xFrameOptions: { action: 'deny' } });
  if (config.http.corsOrigins.length > 0) {
    await fastify.register(cors, {
      origin: config.http.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposedHeaders: ['Retry-After', 'Idempotent-Replayed', 'traceresponse'],
      maxAge: 600,
    });
  }
  await fastify.register(rateLimit, {
    redis,
    nameSpace: `${config.rateLimit.prefix}${config.service}:address:`,
    max: config.rateLimit.perAddressPerMin,
    timeWindow: 60_000,
    skipOnError: true, // Redis unreachable: fail open (connectRedis logs the outage)
    allowList: (request) => request.routeOptions.url?.startsWith('/health/') ?? false,
    // The plugin's own key reads request.ip, which is undefined once the client has hung up (a
    // timed-out request still being handled): that was a TypeError and a 500 in the log.
    keyGenerator: (request) => request.ip ?? request.socket?.remoteAddress ?? 'gone',
    errorResponseBuilder: (_request, { max, ttl }) =>
      rateLimited('RATE_LIMITED', `too many requests from this address: at most ${max} a minute`, ttl / 1000),
  });
}
