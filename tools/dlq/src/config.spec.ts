import { ConfigError } from '@app/platform';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('reads the brokers and topic prefix the way the services do', () => {
    expect(loadConfig({ KAFKA_BROKERS: 'k1:9092, k2:9093', KAFKA_TOPIC_PREFIX: 'staging.' })).toEqual({
      brokers: ['k1:9092', 'k2:9093'],
      topicPrefix: 'staging.',
    });
    expect(loadConfig({})).toEqual({ brokers: ['127.0.0.1:9092'], topicPrefix: '' });
  });

  it('ignores the rest of a service environment, even when it is wrong', () => {
    expect(loadConfig({ DATABASE_URL: 'nonsense', KAFKA_PARTITIONS: 'many' }).brokers).toEqual(['127.0.0.1:9092']);
  });

  it('names a malformed variable', () => {
    expect(() => loadConfig({ KAFKA_BROKERS: 'no-port' })).toThrow(ConfigError);
    expect(() => loadConfig({ KAFKA_BROKERS: 'no-port' })).toThrow(/KAFKA_BROKERS/);
  });
});
