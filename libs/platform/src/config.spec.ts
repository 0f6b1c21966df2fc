import { BaseEnvSchema, ConfigError, parseEnv, serviceConfig } from './config';

describe('configuration', () => {
  it('has defaults that work on a developer machine', () => {
    const env = parseEnv(BaseEnvSchema, {});
    const config = serviceConfig('payments', 3000, env);
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.database).toMatchObject({ url: 'postgres://postgres@127.0.0.1:5432/payments', schema: 'payments' });
  });

  it('names every bad variable', () => {
    let error: unknown;
    try {
      parseEnv(BaseEnvSchema, { KAFKA_BROKERS: 'no-port', DATABASE_URL: 'mysql://x', KAFKA_PARTITIONS: '1e3' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('KAFKA_BROKERS');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('KAFKA_PARTITIONS');
  });

  it('has limits, Redis and no CORS by default, and reads a list of origins', () => {
    const config = serviceConfig('payments', 3000, parseEnv(BaseEnvSchema, {}));
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379' });
    expect(config.rateLimit).toEqual({ prefix: 'rl:', perAddressPerMin: 1200 });
    expect(config.http.corsOrigins).toEqual([]);
    const origins = parseEnv(BaseEnvSchema, { CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' }).CORS_ORIGINS;
    expect(origins).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it.each([
    ['CORS_ORIGINS', 'https://app.example.com/path'],
    ['CORS_ORIGINS', '*'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['RATE_LIMIT_PER_MIN', '0'],
    ['RATE_LIMIT_PREFIX', 'has space'],
  ])('refuses %s=%j', (name, value) => {
    expect(() => parseEnv(BaseEnvSchema, { [name]: value })).toThrow(name);
  });

  it('splits a broker list', () => {
    expect(parseEnv(BaseEnvSchema, { KAFKA_BROKERS: 'a:1, b:2' }).KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });
});
