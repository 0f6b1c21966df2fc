import { Injectable } from '@nestjs/common';
import { AnyDomainEvent, createEvent, DomainEvent } from '@app/contracts';
import { annotateEvent, Outbox } from '@app/messaging';
import { valuesList } from '@app/platform';
import { EntityManager } from 'typeorm';
import { FinalFact, recordedPayload } from './payment-facts';

/** One row per payment: the facts table, not the inbox, is what makes a payment count once. */
@Injectable()
export class PaymentFactsService {
  constructor(private readonly outbox: Outbox) {}

  /** Payments seen again (or after their final status) keep the rows they already have. One statement for all. */
  async initiated(tx: EntityManager, events: Array<DomainEvent<'PaymentInitiated'>>): Promise<void> {
    if (events.length === 0) return;
    const { sql, params } = valuesList(events.map((e) => [e.paymentId, e.payload.createdAt, e.payload.amountPaise]));
    await tx.query(
      `INSERT INTO payment_facts (payment_id, created_at, status, amount_paise)
       SELECT v.payment_id::uuid, v.created_at::timestamptz, 'PENDING', v.amount_paise::bigint
         FROM (VALUES ${sql}) AS v (payment_id, created_at, amount_paise)
       ON CONFLICT (payment_id) DO NOTHING`,
      params,
    );
  }

  /**
   * Sets the final status of each payment once: only a PENDING row moves, so a second or contradicting final event
   * changes nothing. A final event with no initiated row before it still counts the payment, from
   * the facts its own payload carries. The payment becoming final here is announced (PaymentRecorded)
   * in the same transaction; a final event that changes nothing announces nothing.
   */
  async finished(tx: EntityManager, outcomes: Array<{ event: AnyDomainEvent; fact: FinalFact }>): Promise<void> {
    // One final event per payment per statement (a row cannot be upserted twice in one); the first counts.
    const payments = new Set<string>();
    const firsts = outcomes.filter(({ event }) => !payments.has(event.paymentId) && payments.add(event.paymentId));
    const { sql, params } = valuesList(
      firsts.map(({ event, fact }) => [event.paymentId, fact.createdAt, fact.status, fact.failureReason, fact.amountPaise, fact.completedAt, fact.latencyMs]),
    );
    // RETURNING yields a row only when it was inserted or the PENDING row was updated.
    const changed: Array<{ payment_id: string }> = await tx.query(
      `INSERT INTO payment_facts (payment_id, created_at, status, failure_reason, amount_paise, completed_at, latency_ms)
       SELECT v.payment_id::uuid, v.created_at::timestamptz, v.status, v.failure_reason, v.amount_paise::bigint,
              v.completed_at::timestamptz, v.latency_ms::int
         FROM (VALUES ${sql}) AS v (payment_id, created_at, status, failure_reason, amount_paise, completed_at, latency_ms)
       ON CONFLICT (payment_id) DO UPDATE
         SET status = EXCLUDED.status,
             failure_reason = EXCLUDED.failure_reason,
             completed_at = EXCLUDED.completed_at,
             latency_ms = EXCLUDED.latency_ms
       WHERE payment_facts.status = 'PENDING'
       RETURNING payment_id`,
      params,
    );
    const recorded = new Set(changed.map((row) => row.payment_id));
    const announced = firsts.filter((o) => recorded.has(o.event.paymentId));
    for (const { event, fact } of announced) annotateEvent(event, { 'analytics.recorded_status': fact.status, 'analytics.latency_ms': fact.latencyMs });
    await this.outbox.add(
      tx,
      announced.map(({ event, fact }) => createEvent('PaymentRecorded', event.paymentId, recordedPayload(fact), 'analytics')),
      announced.map(({ event }) => event),
    );
  }
}
