import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Params } from 'nestjs-pino';
import { currentTraceIds } from '@app/telemetry';
import { ConfigError, ServiceConfig } from './config';

/** Where a package would be loaded from, or undefined when it is not installed. */
export type ModuleResolver = (name: string) => string | undefined;

const resolveInstalled: ModuleResolver = (name) => {
  try {
    return require.resolve(name);
  } catch {
    return undefined;
  }
};

/**
 * The pino transport for LOG_FORMAT. `pretty` needs pino-pretty, a development dependency that a
 * production install (the Docker image) leaves out: refused here, at boot, as a configuration
 * error, rather than failing later inside pino's worker thread with a stack trace.
 */
export function logTransport(format: ServiceConfig['log']['format'], resolve: ModuleResolver = resolveInstalled) {
  if (format !== 'pretty') return undefined;
  const target = resolve('pino-pretty');
  if (!target) {
    throw new ConfigError([
      'LOG_FORMAT: "pretty" needs pino-pretty, a development dependency that is not installed here; ' +
        'set LOG_FORMAT=json (the default) or install the development dependencies (npm ci)',
    ]);
  }
  // The resolved path, so that pino loads exactly the module found here.
  return { target, options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } };
}

/** A request id a client (or the gateway) may choose: short, and nothing a log line could be confused by. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The request's id (Fastify's, which every log line of the request carries): the X-Request-Id it
 * came with when that is sane (the gateway's, so one id follows a request through the gateway and
 * the service), otherwise a new UUID. Written back into the request's headers, so that a proxy
 * forwards the id it logged.
 */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
  req.headers['x-request-id'] = id;
  return id;
}

/** Structured JSON logs (pretty only when asked for), one line per event, never the note or secrets. */
export function loggerParams(config: ServiceConfig): Params {
  return {
    pinoHttp: {
      level: config.log.level,
      base: { service: config.service },
      messageKey: 'msg',
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      formatters: { level: (label: string) => ({ level: label }) },
      // Every line written inside a trace names it, so logs and the trace viewer tell one story.
      mixin: () => {
        const ids = currentTraceIds();
        return ids ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
      },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body'], remove: true },
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
      transport: logTransport(config.log.format),
    },
  };
}
