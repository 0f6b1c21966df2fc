import { logLevel } from 'kafkajs';
import { kafkaLogLevel } from './kafka.client';

describe('kafkajs log levels', () => {
  it('keeps the level kafkajs gives', () => {
    expect(kafkaLogLevel(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', { error: 'The request timed out' })).toBe('error');
    expect(kafkaLogLevel(logLevel.WARN, 'something', {})).toBe('warn');
  });

  it("shows a fresh broker's retried answers (coordinator loading, topic races) as debug, not as errors", () => {
    expect(kafkaLogLevel(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', { error: 'The group coordinator is not available' })).toBe('debug');
    expect(kafkaLogLevel(logLevel.ERROR, 'Response CreateTopics(key: 19, version: 3)', { error: 'Topic with this name already exists' })).toBe('debug');
    expect(kafkaLogLevel(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', { error: 'This server does not host this topic-partition' })).toBe('debug');
  });

  it('drops the warning about bounded retries of idempotent producers', () => {
    expect(kafkaLogLevel(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees', {})).toBeNull();
  });
});
