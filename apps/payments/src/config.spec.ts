import { ConfigError } from '@app/platform';
import { loadConfig } from './config';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('payments config', () => {
  it('has defaults that work on a developer machine: the local Zipkin as trace viewer', () => {
    const config = loadConfig({});
    expect(config.service).toBe('payments');
    expect(config.http.port).toBe(3000);
    expect(config.timeline).toEqual({ traceViewerUrl: 'http://127.0.0.1:9411/zipkin/traces/{traceId}' });
  });

  it('reads the trace viewer URL', () => {
    const config = loadConfig({ PAYMENTS_PORT: '4000', TRACE_VIEWER_URL: 'https://jaeger.example/trace/{traceId}?uiEmbed=v0' });
    expect(config.http.port).toBe(4000);
    expect(config.timeline.traceViewerUrl).toBe('https://jaeger.example/trace/{traceId}?uiEmbed=v0');
  });

  it.each(['', 'not a url', 'ftp://viewer.example/{traceId}', 'http://127.0.0.1:9411/zipkin/'])(
    'rejects TRACE_VIEWER_URL=%p naming the variable',
    (value) => {
      expect(configError({ TRACE_VIEWER_URL: value }).message).toContain('TRACE_VIEWER_URL');
    },
  );
});
