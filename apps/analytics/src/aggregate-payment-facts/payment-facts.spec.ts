import { failedFact, latencyMs, recordedPayload, succeededFact } from './payment-facts';

const payment = {
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise: 12550,
  currency: 'INR' as const,
  items: [],
  createdAt: '2026-11-21T10:00:00.000Z',
  payerUserId: null,
  payeeUserId: null,
  completedAt: '2026-11-21T10:00:01.250Z',
};

describe('payment facts', () => {
  it('measures latency from the payment’s own creation and completion times', () => {
    expect(latencyMs('2026-11-21T10:00:00.000Z', '2026-11-21T10:00:01.250Z')).toBe(1250);
    expect(latencyMs('2026-11-21T15:30:00.000+05:30', '2026-11-21T10:00:00.040Z')).toBe(40);
  });

  it('never reports a negative latency, and caps what the int column cannot hold', () => {
    expect(latencyMs('2026-11-21T10:00:01.000Z', '2026-11-21T10:00:00.000Z')).toBe(0);
    expect(latencyMs('2026-01-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z')).toBe(2 ** 31 - 1);
  });

  it('turns a succeeded payment into a final fact without a reason', () => {
    expect(succeededFact(payment)).toEqual({
      createdAt: '2026-11-21T10:00:00.000Z',
      amountPaise: 12550,
      status: 'SUCCEEDED',
      failureReason: null,
      completedAt: '2026-11-21T10:00:01.250Z',
      latencyMs: 1250,
    });
  });

  it('keeps the reason of a failed payment', () => {
    expect(failedFact({ ...payment, failureReason: 'OUT_OF_STOCK' })).toMatchObject({
      status: 'FAILED',
      failureReason: 'OUT_OF_STOCK',
      latencyMs: 1250,
    });
  });

  it('announces the final status and latency of a fact, nothing else', () => {
    expect(recordedPayload(succeededFact(payment))).toEqual({ status: 'SUCCEEDED', latencyMs: 1250 });
    expect(recordedPayload(failedFact({ ...payment, failureReason: 'EXPIRED' }))).toEqual({ status: 'FAILED', latencyMs: 1250 });
  });
});
