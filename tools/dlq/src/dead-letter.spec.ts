import { compareDeadLetters, describeValue, parseId, planReplay, RawDeadLetter, toRow } from './dead-letter';

const PAYMENT = '5f0c6a3e-8d0b-4a8e-9a39-2d7f1c0b9e11';

function deadLetter(overrides: Partial<RawDeadLetter> = {}, headers: Record<string, string> = {}): RawDeadLetter {
  return {
    service: 'fraud',
    partition: 2,
    offset: '17',
    key: Buffer.from(PAYMENT),
    value: Buffer.from(JSON.stringify({ eventId: 'e1', type: 'PaymentInitiated', paymentId: PAYMENT, payload: {} })),
    headers: {
      traceparent: Buffer.from('00-abc-def-01'),
      'dlq-error': Buffer.from('PaymentInitiated payload: amountPaise: expected number'),
      'dlq-origin-topic': Buffer.from('p.payments.payment-events'),
      'dlq-origin-partition': Buffer.from('4'),
      'dlq-origin-offset': Buffer.from('1234'),
      'dlq-service': Buffer.from('fraud'),
      'dlq-attempts': Buffer.from('1'),
      'dlq-failed-at': Buffer.from('2025-11-21T10:00:00.000Z'),
      ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
    },
    ...overrides,
  };
}

describe('dead-letter ids', () => {
  it('parses <service>:<partition>:<offset>', () => {
    expect(parseId('notifications:3:120')).toEqual({ service: 'notifications', partition: 3, offset: '120' });
  });

  it('keeps offsets beyond 2^53 exact', () => {
    expect(parseId('fraud:0:9007199254740993')).toEqual({ service: 'fraud', partition: 0, offset: '9007199254740993' });
  });

  it.each(['fraud', 'fraud:1', 'fraud:-1:2', 'fraud:1:x', ':1:2', 'r1.x.fraud:1:2', 'fraud:1:2:3', 'all'])(
    'rejects %p, saying what is expected',
    (text) => {
      expect(parseId(text)).toEqual({ error: expect.stringContaining('<service>:<partition>:<offset>') });
    },
  );

  it('orders by service, partition, then offset as a number', () => {
    const ids = [parseId('fraud:1:10'), parseId('fraud:1:9'), parseId('analytics:2:0'), parseId('fraud:0:100')] as never[];
    expect(ids.sort(compareDeadLetters)).toEqual([
      parseId('analytics:2:0'),
      parseId('fraud:0:100'),
      parseId('fraud:1:9'),
      parseId('fraud:1:10'),
    ]);
  });
});

describe('toRow', () => {
  it('reads id, failure and origin from the dlq-* headers and the event from the value', () => {
    expect(toRow(deadLetter())).toEqual({
      id: 'fraud:2:17',
      service: 'fraud',
      failedAt: '2025-11-21T10:00:00.000Z',
      originTopic: 'p.payments.payment-events',
      originPartition: 4,
      originOffset: '1234',
      eventType: 'PaymentInitiated',
      paymentId: PAYMENT,
      attempts: 1,
      error: 'PaymentInitiated payload: amountPaise: expected number',
      replayedFrom: null,
    });
  });

  it('leaves unknown what a poison message or missing headers do not tell', () => {
    const row = toRow(deadLetter({ value: Buffer.from('not json{'), headers: { 'dlq-attempts': 'x' } }));
    expect(row).toMatchObject({ eventType: null, paymentId: null, attempts: null, originTopic: null, failedAt: null, error: null });
  });

  it('shows when the message is itself a replay that failed again', () => {
    expect(toRow(deadLetter({}, { 'dlq-replayed-from': 'fraud:0:3' })).replayedFrom).toBe('fraud:0:3');
  });
});

describe('describeValue', () => {
  it.each([
    [null, null, null],
    ['[1,2]', null, null],
    ['"PaymentInitiated"', null, null],
    ['{"type":42,"paymentId":""}', null, null],
    ['{"type":"FraudAssessed"}', 'FraudAssessed', null],
  ])('%p → type %p, payment %p', (value, eventType, paymentId) => {
    expect(describeValue(value === null ? null : Buffer.from(value))).toEqual({ eventType, paymentId });
  });
});

describe('planReplay', () => {
  it('replays each dead letter to its origin topic', () => {
    const a = deadLetter();
    const b = deadLetter({ offset: '18' }, { 'dlq-origin-offset': '1235' });
    const { plans, unreplayable } = planReplay([a, b]);
    expect(plans).toEqual([
      { message: a, originTopic: 'p.payments.payment-events', alsoCovers: [] },
      { message: b, originTopic: 'p.payments.payment-events', alsoCovers: [] },
    ]);
    expect(unreplayable).toEqual([]);
  });

  it('publishes a message parked by several services once: every consumer group gets the copy', () => {
    const fraud = deadLetter();
    const notifications = deadLetter({ service: 'notifications', partition: 0, offset: '5' });
    const { plans } = planReplay([fraud, notifications]);
    expect(plans).toEqual([{ message: fraud, originTopic: 'p.payments.payment-events', alsoCovers: ['notifications:0:5'] }]);
  });

  it('cannot replay a dead letter that does not say where it came from', () => {
    const { plans, unreplayable } = planReplay([deadLetter({ headers: {} })]);
    expect(plans).toEqual([]);
    expect(unreplayable).toEqual(['fraud:2:17']);
  });

  it('does not merge dead letters whose origin position is unknown', () => {
    const headers = { 'dlq-origin-topic': Buffer.from('p.payments.payment-events') };
    const { plans } = planReplay([deadLetter({ headers }), deadLetter({ offset: '18', headers })]);
    expect(plans).toHaveLength(2);
  });
});
