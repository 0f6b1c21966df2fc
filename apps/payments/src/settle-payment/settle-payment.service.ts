import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AnyDomainEvent, DomainEvent } from '@app/contracts';
import { Outbox, PermanentMessageError } from '@app/messaging';
import { annotate } from '@app/telemetry';
import { EntityManager } from 'typeorm';
import { DeadlineAction } from '../expire-payments/deadlines';
import { FraudAssessment, Payment } from '../payment';
import { paymentCompleted } from '../payment-events';
import { PaymentTimelineRepository } from '../payment-timeline.repository';
import { PaymentsRepository } from '../payments.repository';
import { applyFact, SagaFact, SagaState } from './payment-saga';

/** What made the saga move: an event from another service, or a deadline this service saw pass. */
type Cause = { event: AnyDomainEvent } | { deadline: DeadlineAction };

/**
 * The saga's decision point: records what fraud and inventory report about a payment, and what
 * its deadlines decide, and once the facts decide it, makes the payment final and announces it in
 * the same transaction. Every report goes on the payment's timeline, also one that no longer
 * changes the payment.
 */
@Injectable()
export class SettlePaymentService {
  private readonly logger = new Logger(SettlePaymentService.name);

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly timeline: PaymentTimelineRepository,
    private readonly outbox: Outbox,
  ) {}

  recordFraudAssessment(tx: EntityManager, event: DomainEvent<'FraudAssessed'>): Promise<void> {
    const assessment = event.payload;
    const fraud: FraudAssessment = { ...assessment, assessedAt: new Date(assessment.assessedAt), source: 'FRAUD_SERVICE' };
    return this.record(tx, event.paymentId, { event }, { kind: 'FRAUD_ASSESSED', decision: assessment.decision }, { fraud });
  }

  recordStockReserved(tx: EntityManager, event: DomainEvent<'StockReserved'>): Promise<void> {
    return this.record(tx, event.paymentId, { event }, { kind: 'STOCK_RESERVED' });
  }

  recordStockRejected(tx: EntityManager, event: DomainEvent<'StockRejected'>): Promise<void> {
    return this.record(tx, event.paymentId, { event }, { kind: 'STOCK_REJECTED' });
  }

  /**
   * A deadline has passed (see `deadlineAction`): EXPIRE fails the payment EXPIRED; FAIL_OPEN
   * approves it without an assessment (score 0, no reasons, marked FAIL_OPEN), after which it
   * completes like any approved payment. A real assessment arriving later changes nothing.
   */
  applyDeadline(tx: EntityManager, paymentId: string, action: DeadlineAction): Promise<void> {
    if (action === 'EXPIRE') return this.record(tx, paymentId, { deadline: action }, { kind: 'EXPIRED' });
    const fraud: FraudAssessment = { decision: 'APPROVED', score: 0, reasons: [], assessedAt: new Date(), source: 'FAIL_OPEN' };
    return this.record(tx, paymentId, { deadline: action }, { kind: 'FRAUD_ASSESSED', decision: 'APPROVED' }, { fraud });
  }

  private async record(tx: EntityManager, paymentId: string, cause: Cause, fact: SagaFact, details: Partial<Payment> = {}): Promise<void> {
    // The row lock serialises the facts of one payment, which arrive on different topics (and from the sweeper).
    const payment = await this.payments.lockById(tx, paymentId);
    if (!payment) throw new PermanentMessageError(`payment ${paymentId} is unknown`);
    const next = applyFact(sagaStateOf(payment), fact);
    if (!next) {
      this.logger.log(`${fact.kind} for ${payment.status} payment ${paymentId} (stock ${payment.stockStatus}) changes nothing`);
      // The timeline tells what happened; the status machine has ignored it.
      if ('event' in cause) await this.timeline.add(tx, [cause.event]);
      return;
    }
    const now = new Date();
    const updated: Payment = {
      ...payment,
      ...details,
      status: next.status,
      failureReason: next.failureReason,
      stockStatus: next.stockStatus,
      updatedAt: now,
      completedAt: next.status === 'PENDING' ? null : now,
    };
    await this.payments.saveProgress(tx, updated);
    if ('deadline' in cause) this.logDeadline(updated, cause.deadline);
    const completed = paymentCompleted(updated);
    if (completed) {
      annotate({ 'payment.status': updated.status, ...(updated.failureReason ? { 'payment.failure_reason': updated.failureReason } : {}) });
      await this.outbox.add(tx, [completed]);
    }
    await this.timeline.add(tx, [...('event' in cause ? [cause.event] : []), ...(completed ? [completed] : [])]);
    if ('deadline' in cause && cause.deadline === 'FAIL_OPEN') {
      // No event marks this approval: the timeline shows it as an assessment this service made.
      await this.timeline.addSteps(tx, [
        { eventId: randomUUID(), paymentId, step: 'assessed', service: 'payments', occurredAt: now, outcome: 'APPROVED: FAIL_OPEN (no assessment in time)' },
      ]);
    }
  }

  private logDeadline(payment: Payment, action: DeadlineAction): void {
    if (action === 'EXPIRE') this.logger.log(`payment ${payment.id} expired: not final in time (stock ${payment.stockStatus})`);
    else this.logger.warn(`payment ${payment.id} approved without a fraud assessment (FRAUD_FAILURE_MODE=open), now ${payment.status}`);
  }
}

function sagaStateOf(p: Payment): SagaState {
  return { status: p.status, failureReason: p.failureReason, fraudDecision: p.fraud?.decision ?? null, stockStatus: p.stockStatus };
}
