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

  it('splits a broker list', () => {
    expect(parseEnv(BaseEnvSchema, { KAFKA_BROKERS: 'a:1, b:2' }).KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });
});
