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
  refunds_requested: '0',
  refunds_succeeded: '0',
  refunds_failed: '0',
  refunds_pending: '0',
  refunded_paise: '0',
  disputes_opened: '0',
  disputes_resolved_for_payer: '0',
  disputes_resolved_for_payee: '0',
  disputes_withdrawn: '0',
  disputes_pending: '0',
};

describe('summary view', () => {
  it('shows zeros, every known failure reason and "0.00" when there are no payments, refunds or disputes', () => {
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
      refunds: { requested: 0, succeeded: 0, failed: 0, pending: 0, refundedVolume: '0.00' },
      disputes: { opened: 0, resolvedForPayer: 0, resolvedForPayee: 0, withdrawn: 0, pending: 0 },
    });
  });

  it('converts the text counts and sum exactly and keeps reasons it does not know yet', () => {
    const view = toSummaryView({
      ...empty,
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
      refunds: { requested: 0, succeeded: 0, failed: 0, pending: 0, refundedVolume: '0.00' },
      disputes: { opened: 0, resolvedForPayer: 0, resolvedForPayee: 0, withdrawn: 0, pending: 0 },
    });
  });

  it('shows the refunds counted and the volume they gave back, exactly, and the disputes', () => {
    const view = toSummaryView({
      ...empty,
      refunds_requested: '6',
      refunds_succeeded: '3',
      refunds_failed: '2',
      refunds_pending: '1',
      refunded_paise: '9007199254740991',
      disputes_opened: '9',
      disputes_resolved_for_payer: '2',
      disputes_resolved_for_payee: '3',
      disputes_withdrawn: '1',
      disputes_pending: '3',
    });
    expect(view.refunds).toEqual({ requested: 6, succeeded: 3, failed: 2, pending: 1, refundedVolume: '90071992547409.91' });
    expect(view.disputes).toEqual({ opened: 9, resolvedForPayer: 2, resolvedForPayee: 3, withdrawn: 1, pending: 3 });
  });

  it('refuses to round a refund count or volume it cannot represent exactly', () => {
    expect(() => toSummaryView({ ...empty, refunded_paise: '9007199254740993' })).toThrow(RangeError);
    expect(() => toSummaryView({ ...empty, refunds_requested: '9007199254740993' })).toThrow(RangeError);
  });

  it('refuses to round an integer it cannot represent exactly', () => {
    expect(wholeNumber('12551')).toBe(12551);
    expect(() => wholeNumber('9007199254740993')).toThrow(RangeError);
    expect(() => wholeNumber('125.50')).toThrow(RangeError);
  });
});
