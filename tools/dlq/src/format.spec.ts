import { DeadLetterRow } from './dead-letter';
import { ERROR_WIDTH, formatJson, formatTable, origin, truncate } from './format';

const row = (overrides: Partial<DeadLetterRow> = {}): DeadLetterRow => ({
  id: 'fraud:0:7',
  service: 'fraud',
  failedAt: '2025-11-21T10:00:00.000Z',
  originTopic: 'payments.payment-events',
  originPartition: 3,
  originOffset: '42',
  eventType: 'PaymentInitiated',
  paymentId: '5f0c6a3e-8d0b-4a8e-9a39-2d7f1c0b9e11',
  attempts: 5,
  error: 'boom',
  replayedFrom: null,
  ...overrides,
});

describe('formatTable', () => {
  it('says so when there is nothing', () => {
    expect(formatTable([])).toBe('no dead letters');
  });

  it('prints a header, one aligned row per dead letter and a count', () => {
    const text = formatTable([
      row(),
      row({ id: 'notifications:11:1234', service: 'notifications', eventType: null, paymentId: null, attempts: null }),
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^ID\s+FAILED AT\s+ORIGIN\s+EVENT TYPE\s+PAYMENT ID\s+ATTEMPTS\s+ERROR$/);
    expect(lines[1]).toMatch(
      /^fraud:0:7\s+2025-11-21T10:00:00.000Z\s+payments.payment-events\[3\]@42\s+PaymentInitiated\s+5f0c6a3e-\S+\s+5\s+boom$/,
    );
    expect(lines[2]).toMatch(/^notifications:11:1234\s+\S+\s+\S+\s+-\s+-\s+-\s+boom$/);
    // columns line up: every row starts its second column where the header does
    const column = lines[0].indexOf('FAILED AT');
    expect(lines[1].indexOf('2025')).toBe(column);
    expect(lines[2].indexOf('2025')).toBe(column);
    expect(lines.at(-1)).toBe('2 dead letter(s) in 2 service(s)');
  });

  it('shows an error on one line, truncated', () => {
    const text = formatTable([row({ error: `line one\n  at frame\n${'x'.repeat(200)}` })]);
    const line = text.split('\n')[1];
    expect(line).toContain('line one at frame x');
    expect(line.endsWith('…')).toBe(true);
  });
});

describe('truncate', () => {
  it('keeps short text and cuts long text to the width', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('x'.repeat(ERROR_WIDTH + 5), ERROR_WIDTH)).toHaveLength(ERROR_WIDTH);
  });
});

describe('origin', () => {
  it('is topic[partition]@offset, or - when the headers do not say', () => {
    expect(origin(row())).toBe('payments.payment-events[3]@42');
    expect(origin(row({ originTopic: null }))).toBe('-');
    expect(origin(row({ originPartition: null, originOffset: null }))).toBe('payments.payment-events[?]@?');
  });
});

describe('formatJson', () => {
  it('is an array of the rows, with the whole error', () => {
    const long = 'y'.repeat(500);
    expect(JSON.parse(formatJson([row({ error: long })]))).toEqual([row({ error: long })]);
    expect(JSON.parse(formatJson([]))).toEqual([]);
  });
});
