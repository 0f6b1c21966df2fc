import { logLevel } from 'kafkajs';
import { kafkaLogLevel } from './kafka.client';

describe('kafkajs log levels', () => {
  it('keeps the level kafkajs gives', () => {
    expect(kafkaLogLevel(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', { error: 'The request timed out' })).toBe('error');
    expect(kafkaLogLevel(logLevel.WARN, 'something', {})).toBe('warn');
  });

  it("shows a fresh broker's retried answers (coordinator loading, topic races) as debug, not as errors", () => {
    expect(
      kafkaLogLevel(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', { error: 'The group coordinator is not available' }),
    ).toBe('debug');
    expect(
      kafkaLogLevel(logLevel.ERROR, 'Response CreateTopics(key: 19, version: 3)', { error: 'Topic with this name already exists' }),
    ).toBe('debug');
    expect(
      kafkaLogLevel(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', { error: 'This server does not host this topic-partition' }),
    ).toBe('debug');
    expect(kafkaLogLevel(logLevel.ERROR, 'Response CreateTopics(key: 19, version: 3)', { error: 'Topic creation errors' })).toBe('debug');
    expect(
      kafkaLogLevel(logLevel.ERROR, 'Response Heartbeat(key: 12, version: 3)', {
        error: 'The group is rebalancing, so a rejoin is needed',
      }),
    ).toBe('debug');
  });

  it('shows a consumer restarting by itself after such an answer as a warning', () => {
    const crash = "Crash: KafkaJSProtocolError: The coordinator is loading and hence can't process requests for this group";
    expect(kafkaLogLevel(logLevel.ERROR, crash, { groupId: 'fraud' })).toBe('warn');
    expect(kafkaLogLevel(logLevel.ERROR, 'Restarting the consumer in 300ms', { retryTime: 300 })).toBe('warn');
    expect(kafkaLogLevel(logLevel.ERROR, 'Crash: KafkaJSNonRetriableError: something else', {})).toBe('error');
  });

  it('drops the warning about bounded retries of idempotent producers', () => {
    expect(kafkaLogLevel(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees', {})).toBeNull();
  });
});
