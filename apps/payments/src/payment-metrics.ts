import { Injectable } from '@nestjs/common';
import { Database } from '@app/platform';
import { meter } from '@app/telemetry';
import { Payment } from './payment';

/** From initiation to a final status, in seconds: most take well under a second; PAYMENT_TIMEOUT_S ends the rest. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * The payments' own metrics: `payments.initiated`, `payments.finalized` by status and reason, and
 * `payments.duration` (initiation → final status). Counted where the service decides, and only once
 * the transaction that decided has committed: a rolled-back chunk, or a redelivered event that
 * finds its payment final already, counts nothing.
 */
@Injectable()
export class PaymentMetrics {
  private readonly instruments = meter('payments');
  private readonly initiatedCounter = this.instruments.createCounter('payments.initiated', {
    description: 'Payments created (PENDING).',
    unit: '{payment}',
  });
  private readonly finalizedCounter = this.instruments.createCounter('payments.finalized', {
    description: 'Payments that reached a final status, by status and failure reason ("none" when it succeeded).',
    unit: '{payment}',
  });
  private readonly duration = this.instruments.createHistogram('payments.duration', {
    description: 'Time from a payment’s initiation to its final status.',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });

  constructor(private readonly db: Database) {}

  /** A payment was stored: called once its transaction committed. */
  initiated(): void {
    this.initiatedCounter.add(1);
  }

  /** `payments` reached their final status in the current transaction. */
  finalized(payments: Payment[]): void {
    if (payments.length === 0) return;
    this.db.afterCommit(() => {
      for (const payment of payments) {
        const attributes = { 'payment.status': payment.status, 'payment.failure_reason': payment.failureReason ?? 'none' };
        this.finalizedCounter.add(1, attributes);
        const completedAt = payment.completedAt ?? new Date();
        this.duration.record(Math.max(0, completedAt.getTime() - payment.createdAt.getTime()) / 1000, attributes);
      }
    });
  }
}
