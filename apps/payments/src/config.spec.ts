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

  it('expires payments after UPI’s 15 s, fails closed when fraud is silent, and keeps idempotency keys a day', () => {
    const config = loadConfig({});
    expect(config.deadlines).toEqual({ paymentTimeoutMs: 15000, fraudFailureMode: 'closed', fraudTimeoutMs: 5000, sweepIntervalMs: 1000 });
    expect(config.idempotency).toEqual({ ttlHours: 24 });
  });

  it('lets a user initiate 60 payments a minute, or RATE_LIMIT_PAYMENTS_PER_MIN', () => {
    expect(loadConfig({}).intake).toEqual({ paymentsPerUserPerMin: 60 });
    expect(loadConfig({ RATE_LIMIT_PAYMENTS_PER_MIN: '5' }).intake).toEqual({ paymentsPerUserPerMin: 5 });
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

  it('reads the deadlines and the idempotency window', () => {
    const config = loadConfig({
      PAYMENT_TIMEOUT_S: '2',
      FRAUD_FAILURE_MODE: 'open',
      FRAUD_TIMEOUT_MS: '500',
      EXPIRY_SWEEP_MS: '200',
      IDEMPOTENCY_TTL_H: '48',
    });
    expect(config.deadlines).toEqual({ paymentTimeoutMs: 2000, fraudFailureMode: 'open', fraudTimeoutMs: 500, sweepIntervalMs: 200 });
    expect(config.idempotency).toEqual({ ttlHours: 48 });
  });

  it.each([
    ['PAYMENT_TIMEOUT_S', '0'],
    ['PAYMENT_TIMEOUT_S', '1.5'],
    ['PAYMENT_TIMEOUT_S', ''],
    ['FRAUD_FAILURE_MODE', 'OPEN'],
    ['FRAUD_FAILURE_MODE', 'maybe'],
    ['FRAUD_TIMEOUT_MS', '99'],
    ['EXPIRY_SWEEP_MS', 'fast'],
    ['IDEMPOTENCY_TTL_H', '23'],
    ['IDEMPOTENCY_TTL_H', '-24'],
    ['RATE_LIMIT_PAYMENTS_PER_MIN', '0'],
    ['RATE_LIMIT_PAYMENTS_PER_MIN', 'lots'],
  ])('rejects %s=%p naming the variable', (name, value) => {
    expect(configError({ [name]: value }).message).toContain(name);
  });

  it('rejects, when failing open, a fraud timeout that is not shorter than the payment timeout', () => {
    expect(configError({ FRAUD_FAILURE_MODE: 'open', PAYMENT_TIMEOUT_S: '5', FRAUD_TIMEOUT_MS: '5000' }).message).toMatch(
      /FRAUD_TIMEOUT_MS: must be less than PAYMENT_TIMEOUT_S × 1000 \(5000\)/,
    );
    expect(loadConfig({ FRAUD_FAILURE_MODE: 'open', PAYMENT_TIMEOUT_S: '5', FRAUD_TIMEOUT_MS: '4999' }).deadlines.fraudTimeoutMs).toBe(
      4999,
    );
  });

  it('ignores the fraud timeout when failing closed: it is not used', () => {
    expect(loadConfig({ PAYMENT_TIMEOUT_S: '2' }).deadlines).toMatchObject({ paymentTimeoutMs: 2000, fraudFailureMode: 'closed' });
  });
});
