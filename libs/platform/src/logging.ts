import { Params } from 'nestjs-pino';
import { currentTraceIds } from '@app/telemetry';
import { ServiceConfig } from './config';

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
      transport:
        config.log.format === 'pretty'
          ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } }
          : undefined,
    },
  };
}
