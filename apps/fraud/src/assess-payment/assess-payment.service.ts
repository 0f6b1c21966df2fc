import { Inject, Injectable } from '@nestjs/common';
import { createEvent, DomainEvent, normalizeVpa } from '@app/contracts';
import { Outbox } from '@app/messaging';
import { annotate } from '@app/telemetry';
import { EntityManager } from 'typeorm';
import { FRAUD_SETTINGS, FraudSettings } from '../config';
import { assess, velocityWindow } from './fraud-rules';

@Injectable()
export class AssessPaymentService {
  constructor(
    @Inject(FRAUD_SETTINGS) private readonly settings: FraudSettings,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Assesses one initiated payment, stores the verdict and announces it, all in the caller's
   * transaction. The payer's advisory lock serialises the payments of one payer across partitions
   * and instances, so the velocity count is exact: each sees every one committed before it.
   */
  async assess(tx: EntityManager, event: DomainEvent<'PaymentInitiated'>): Promise<void> {
    const { paymentId, payload } = event;
    const payerVpa = normalizeVpa(payload.payerVpa);
    const payeeVpa = normalizeVpa(payload.payeeVpa);
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('velocity:' || $1))", [payerVpa]);

    // The same payment under another event id: it was decided once and stays decided.
    const existing = await tx.query('SELECT 1 FROM assessments WHERE payment_id = $1', [paymentId]);
    if (existing.length > 0) return;

    const window = velocityWindow(payload.createdAt, this.settings.velocityWindowSeconds);
    const [{ recent }] = await tx.query(
      `SELECT count(*)::int AS recent FROM seen_payments
        WHERE payer_vpa = $1 AND created_at > $2 AND created_at < $3 AND payment_id <> $4`,
      [payerVpa, window.after, window.before, paymentId],
    );
    const known = await tx.query('SELECT 1 FROM known_payees WHERE payer_vpa = $1 AND payee_vpa = $2', [payerVpa, payeeVpa]);
    const verdict = assess(
      { payerVpa, payeeVpa, amountPaise: payload.amountPaise, recentPayments: recent, knownPayee: known.length > 0 },
      this.settings,
    );
    annotate({ 'fraud.decision': verdict.decision, 'fraud.score': verdict.score, 'fraud.reasons': verdict.reasons.join(',') });

    const assessedAt = new Date();
    await tx.query('INSERT INTO seen_payments (payment_id, payer_vpa, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      paymentId,
      payerVpa,
      payload.createdAt,
    ]);
    await tx.query('INSERT INTO assessments (payment_id, decision, score, reasons, assessed_at) VALUES ($1, $2, $3, $4, $5)', [
      paymentId,
      verdict.decision,
      verdict.score,
      JSON.stringify(verdict.reasons),
      assessedAt,
    ]);
    await this.outbox.add(tx, [
      createEvent('FraudAssessed', paymentId, { ...verdict, assessedAt: assessedAt.toISOString() }, 'fraud', assessedAt),
    ]);
  }
}
