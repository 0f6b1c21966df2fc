import { Injectable } from '@nestjs/common';
import { createEvent, PayloadOf } from '@app/contracts';
import { Outbox } from '@app/messaging';
import { annotate } from '@app/telemetry';
import { EntityManager } from 'typeorm';
import { FinalFact, recordedPayload } from './payment-facts';

/** One row per payment: the facts table, not the inbox, is what makes a payment count once. */
@Injectable()
export class PaymentFactsService {
  constructor(private readonly outbox: Outbox) {}

  /** A payment seen again (or after its final status) keeps the row it already has. */
  async initiated(tx: EntityManager, paymentId: string, payment: PayloadOf<'PaymentInitiated'>): Promise<void> {
    await tx.query(
      `INSERT INTO payment_facts (payment_id, created_at, status, amount_paise)
       VALUES ($1, $2, 'PENDING', $3)
       ON CONFLICT (payment_id) DO NOTHING`,
      [paymentId, payment.createdAt, payment.amountPaise],
    );
  }

  /**
   * Sets the final status once: only a PENDING row moves, so a second or contradicting final event
   * changes nothing. A final event with no initiated row before it still counts the payment, from
   * the facts its own payload carries. The payment becoming final here is announced (PaymentRecorded)
   * in the same transaction; a final event that changes nothing announces nothing.
   */
  async finished(tx: EntityManager, paymentId: string, fact: FinalFact): Promise<void> {
    // RETURNING yields the row only when it was inserted or the PENDING row was updated.
    const changed: unknown[] = await tx.query(
      `INSERT INTO payment_facts (payment_id, created_at, status, failure_reason, amount_paise, completed_at, latency_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (payment_id) DO UPDATE
         SET status = EXCLUDED.status,
             failure_reason = EXCLUDED.failure_reason,
             completed_at = EXCLUDED.completed_at,
             latency_ms = EXCLUDED.latency_ms
       WHERE payment_facts.status = 'PENDING'
       RETURNING payment_id`,
      [paymentId, fact.createdAt, fact.status, fact.failureReason, fact.amountPaise, fact.completedAt, fact.latencyMs],
    );
    if (changed.length === 0) return;
    annotate({ 'analytics.recorded_status': fact.status, 'analytics.latency_ms': fact.latencyMs });
    await this.outbox.add(tx, [createEvent('PaymentRecorded', paymentId, recordedPayload(fact), 'analytics')]);
  }
}
