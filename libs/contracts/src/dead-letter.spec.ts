import { deadLetterHeaders, deadLetterTopic, readDeadLetterHeaders, replayHeaders, serviceOfDeadLetterTopic } from './dead-letter';
import { headerText, textHeaders } from './headers';

const origin = {
  service: 'fraud',
  error: 'PaymentInitiated payload: amountPaise: expected number',
  topic: 'p.payments.payment-events',
  partition: 4,
  offset: '1234',
  attempts: 3,
  failedAt: new Date('2025-11-21T10:00:00.000Z'),
};

describe('dead-letter headers', () => {
  it('keep the original headers and read back as what was written', () => {
    const headers = deadLetterHeaders({ traceparent: Buffer.from('00-abc-def-01') }, origin);
    expect(headerText(headers, 'traceparent')).toBe('00-abc-def-01');
    expect(readDeadLetterHeaders(headers)).toEqual({
      error: origin.error,
      originTopic: 'p.payments.payment-events',
      originPartition: 4,
      originOffset: '1234',
      attempts: 3,
      failedAt: '2025-11-21T10:00:00.000Z',
      replayedFrom: null,
    });
  });

  it('keep at most 2000 characters of the error', () => {
    const headers = deadLetterHeaders({}, { ...origin, error: 'x'.repeat(5000) });
    expect(readDeadLetterHeaders(headers).error).toHaveLength(2000);
  });

  it('read as unknown what is missing or malformed, as Kafka hands them over (Buffers)', () => {
    const facts = readDeadLetterHeaders({ 'dlq-attempts': Buffer.from('x'), 'dlq-origin-partition': [Buffer.from('7'), Buffer.from('8')] });
    expect(facts).toEqual({
      error: null,
      originTopic: null,
      originPartition: 7,
      originOffset: null,
      attempts: null,
      failedAt: null,
      replayedFrom: null,
    });
  });
});

describe('message headers as text', () => {
  it('take the first value of each header and leave out the absent ones', () => {
    expect(textHeaders({ a: Buffer.from('1'), b: ['2', '3'], c: undefined })).toEqual({ a: '1', b: '2' });
    expect(textHeaders(undefined)).toEqual({});
  });
});

describe('dead-letter topics', () => {
  it('are named after the consuming service', () => {
    expect(deadLetterTopic('fraud')).toBe('fraud.dead-letter');
  });

  it('name their service, for topics of the prefix', () => {
    expect(serviceOfDeadLetterTopic('r1.dlq.', 'r1.dlq.fraud.dead-letter')).toBe('fraud');
    expect(serviceOfDeadLetterTopic('', 'notifications.dead-letter')).toBe('notifications');
  });

  it('are not confused with event topics or dead-letter topics of other prefixes', () => {
    expect(serviceOfDeadLetterTopic('r1.dlq.', 'r1.dlq.payments.payment-events')).toBeUndefined();
    expect(serviceOfDeadLetterTopic('r1.dlq.', 'r2.dlq.fraud.dead-letter')).toBeUndefined();
    // with no prefix, a prefixed test topic must not pass for a service called "r2.dlq.fraud"
    expect(serviceOfDeadLetterTopic('', 'r2.dlq.fraud.dead-letter')).toBeUndefined();
    expect(serviceOfDeadLetterTopic('r1.', 'r1..dead-letter')).toBeUndefined();
  });
});

describe('replayHeaders', () => {
  it('keeps the original headers, drops the dlq-* ones and names the dead letter', () => {
    const written = deadLetterHeaders(
      { traceparent: Buffer.from('00-abc-def-01'), 'DLQ-Custom': 'x', 'dlq-replayed-from': 'fraud:0:3' },
      origin,
    );
    const headers = replayHeaders(written, 'fraud:2:17');
    expect(Object.keys(headers).sort()).toEqual(['dlq-replayed-from', 'traceparent']);
    expect(headers['dlq-replayed-from']).toBe('fraud:2:17');
    expect(headers.traceparent).toEqual(Buffer.from('00-abc-def-01'));
  });
});
