import { SummaryRow, toSummaryView, wholeNumber } from './summary-view';

const empty: SummaryRow = {
  initiated: '0',
  succeeded: '0',
  failed: '0',
  pending: '0',
  succeeded_paise: '0',
  failures_by_reason: null,
  p50: null,
  p95: null,
  p99: null,
};

describe('summary view', () => {
  it('shows zeros, every known failure reason and "0.00" when there are no payments', () => {
    expect(toSummaryView(empty)).toEqual({
      initiated: 0,
      succeeded: 0,
      failed: 0,
      pending: 0,
      failuresByReason: {
        FRAUD_REJECTED: 0,
        OUT_OF_STOCK: 0,
        EXPIRED: 0,
        INSUFFICIENT_FUNDS: 0,
        DAILY_LIMIT_EXCEEDED: 0,
        ACCOUNT_CLOSED: 0,
      },
      succeededVolume: '0.00',
      latencyMs: { p50: 0, p95: 0, p99: 0 },
    });
  });

  it('converts the text counts and sum exactly and keeps reasons it does not know yet', () => {
    const view = toSummaryView({
      initiated: '7',
      succeeded: '3',
      failed: '3',
      pending: '1',
      succeeded_paise: '9007199254740991',
      failures_by_reason: { OUT_OF_STOCK: 1, INSUFFICIENT_FUNDS: 1, LIMIT_EXCEEDED: 1 },
      p50: 120,
      p95: 900,
      p99: 950,
    });
    expect(view).toEqual({
      initiated: 7,
      succeeded: 3,
      failed: 3,
      pending: 1,
      failuresByReason: {
        FRAUD_REJECTED: 0,
        OUT_OF_STOCK: 1,
        EXPIRED: 0,
        INSUFFICIENT_FUNDS: 1,
        DAILY_LIMIT_EXCEEDED: 0,
        ACCOUNT_CLOSED: 0,
        LIMIT_EXCEEDED: 1,
      },
      succeededVolume: '90071992547409.91',
      latencyMs: { p50: 120, p95: 900, p99: 950 },
    });
  });

  it('refuses to round an integer it cannot represent exactly', () => {
    expect(wholeNumber('12551')).toBe(12551);
    expect(() => wholeNumber('9007199254740993')).toThrow(RangeError);
    expect(() => wholeNumber('125.50')).toThrow(RangeError);
  });
});
