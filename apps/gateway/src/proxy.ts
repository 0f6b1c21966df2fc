import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { Context } from '@opentelemetry/api';
import { context, currentTraceHeaders } from '@app/telemetry';
import { SERVICE_CONFIG, ServiceConfig } from '@app/platform';
import { GATEWAY_SETTINGS, GatewaySettings } from './config';
import { classifyUpstreamError, mayResend } from './forwarding';
import { ROUTES, UpstreamService } from './routes';
import { Upstreams } from './upstreams';

/** How long the gateway waits for a TCP connection to an instance before taking it out. */
const CONNECT_TIMEOUT_MS = 2000;
const NO_BODY_METHODS = new Set(['GET', 'HEAD']);

interface GatewayError {
  statusCode: number;
  code: string;
  message: string;
}

/**
 * The gateway's routes, on the Fastify instance under Nest: each owned prefix forwards to an
 * instance of its owner (@fastify/reply-from over undici), everything else is Nest's 404. Bodies
 * stay the bytes the client sent (no parsing, no re-serialising), so a retry sends exactly them.
 */
@Injectable()
export class ProxyRoutes implements OnApplicationBootstrap {
  // Nest's logger (pino underneath): Fastify's own request.log is silent under Nest.
  private readonly logger = new Logger('Gateway');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly upstreams: Upstreams,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  /**
   * After Nest has set its error and not-found handlers on Fastify, so that the routes here inherit
   * them: an error before forwarding (the per-address limit's 429, a 413) is answered by the
   * services' one error filter, in their shape.
   */
  async onApplicationBootstrap(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // A client that is too slow to send its request is cut off (node answers 408).
    const server: Server = fastify.server;
    server.requestTimeout = this.settings.clientTimeoutMs;
    server.headersTimeout = Math.min(server.headersTimeout, this.settings.clientTimeoutMs);
    await fastify.register((instance) => this.routes(instance));
  }

  private async routes(instance: FastifyInstance): Promise<void> {
    // In this plugin only: any body, kept as bytes (the root accepts JSON only, parsed).
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, next) => next(null, body));
    await instance.register(replyFrom, {
      undici: {
        headersTimeout: this.settings.upstreamTimeoutMs,
        bodyTimeout: this.settings.upstreamTimeoutMs,
        connect: { timeout: CONNECT_TIMEOUT_MS },
      },
      disableRequestLogging: true,
    });
    // CORS preflights are the gateway's own when it answers CORS (hardenHttp); otherwise the service's.
    const methods: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
    if (this.config.http.corsOrigins.length === 0) methods.push('OPTIONS');
    for (const { prefix, service } of ROUTES) {
      const handler = (request: FastifyRequest, reply: FastifyReply) => this.forward(request, reply, service, new Set(), context.active());
      instance.route({ method: methods, url: prefix, handler });
      instance.route({ method: methods, url: `${prefix}/*`, handler });
    }
  }

  /** Sends the request to the next instance that is up and not yet tried; on a connection failure, perhaps to another. */
  private forward(
    request: FastifyRequest,
    reply: FastifyReply,
    service: UpstreamService,
    tried: Set<string>,
    trace: Context,
  ): FastifyReply {
    const pool = this.upstreams.pool(service);
    const origin = pool.pick(tried);
    if (!origin) {
      return this.fail(reply, 503, 'GATEWAY.NO_INSTANCE', `no instance of the ${service} service is available: retry shortly`, {
        'retry-after': '1',
      });
    }
    tried.add(origin);
    const hasBody = !NO_BODY_METHODS.has(request.method) && Buffer.isBuffer(request.body);
    try {
      return reply.from(request.url, {
        getUpstream: () => origin,
        // The bytes as they came: reply-from would re-serialise a JSON body it had parsed.
        ...(hasBody ? { body: request.body as Buffer, contentType: request.headers['content-type'] ?? 'application/octet-stream' } : {}),
        rewriteRequestHeaders: (_request, headers) => this.upstreamHeaders(request, headers, trace),
        onError: (_reply, { error }) => {
          const failure = classifyUpstreamError(error);
          if (failure === 'connection') {
            pool.markDown(origin, `connection failed (${(error.cause as Error | undefined)?.message ?? error.message})`);
            if (mayResend(request.method, request.headers)) {
              this.logger.log(`${request.method} sent on to another ${service} instance after a failed connection to ${origin}`);
              return void this.forward(request, reply, service, tried, trace);
            }
            return void this.fail(
              reply,
              502,
              'GATEWAY.UPSTREAM_FAILED',
              `the ${service} service failed to answer; a ${request.method} without an Idempotency-Key is not sent again, as it may have been applied`,
            );
          }
          if (failure === 'timeout') {
            return void this.fail(reply, 504, 'GATEWAY.UPSTREAM_TIMEOUT', `the ${service} service did not answer in time`);
          }
          this.logger.error(`forwarding ${request.method} to ${origin} failed: ${error.message}`);
          return void this.fail(reply, 502, 'GATEWAY.UPSTREAM_FAILED', `the ${service} service could not be reached`);
        },
      });
    } catch (error) {
      // reply-from refuses a path it cannot forward safely ('..' segments, bad escapes): the client's mistake.
      return this.fail(reply, 400, 'GATEWAY.INVALID_PATH', `the path cannot be forwarded: ${(error as Error).message}`);
    }
  }

  /** What the upstream is told on top of the client's headers: who the client is, the request id, and the trace to continue. */
  private upstreamHeaders(request: FastifyRequest, headers: IncomingHttpHeaders, trace: Context): IncomingHttpHeaders {
    const peer = request.socket.remoteAddress ?? '';
    // The client's own X-Forwarded-For only when the gateway itself trusts the proxy in front of it.
    const prior = this.config.http.trustProxy.length > 0 ? request.headers['x-forwarded-for'] : undefined;
    const out: IncomingHttpHeaders = {
      ...headers,
      'x-forwarded-for': prior ? `${String(prior)}, ${peer}` : peer,
      'x-forwarded-proto': request.protocol,
      'x-forwarded-host': request.headers.host,
      // The id the gateway logs it under (libs/platform's requestIdOf: the client's when sane).
      'x-request-id': request.id,
    };
    // The gateway's server span is the parent of the service's (undici is not instrumented: propagated here).
    delete out.traceparent;
    delete out.tracestate;
    return { ...out, ...currentTraceHeaders(trace) };
  }

  private fail(reply: FastifyReply, statusCode: number, code: string, message: string, headers: Record<string, string> = {}): FastifyReply {
    if (reply.sent) return reply;
    const body: GatewayError = { statusCode, code, message };
    return reply.code(statusCode).headers(headers).type('application/json; charset=utf-8').send(body);
  }
}
