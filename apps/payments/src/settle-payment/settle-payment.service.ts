import { Injectable, Logger } from '@nestjs/common';
import { AnyDomainEvent, DomainEvent } from '@app/contracts';
import { Outbox, PermanentMessageError } from '@app/messaging';
import { annotate } from '@app/telemetry';
import { EntityManager } from 'typeorm';
import { FraudAssessment, Payment } from '../payment';
import { paymentCompleted } from '../payment-events';
import { PaymentTimelineRepository } from '../payment-timeline.repository';
import { PaymentsRepository } from '../payments.repository';
import { applyFact, SagaFact, SagaState } from './payment-saga';

/**
 * The saga's decision point: records what fraud and inventory report about a payment and, once
 * the facts decide it, makes the payment final and announces it in the same transaction. Every
 * report goes on the payment's timeline, also one that no longer changes the payment.
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
    const fraud: FraudAssessment = { ...assessment, assessedAt: new Date(assessment.assessedAt) };
    return this.record(tx, event, { kind: 'FRAUD_ASSESSED', decision: assessment.decision }, { fraud });
  }

  recordStockReserved(tx: EntityManager, event: DomainEvent<'StockReserved'>): Promise<void> {
    return this.record(tx, event, { kind: 'STOCK_RESERVED' });
  }

  recordStockRejected(tx: EntityManager, event: DomainEvent<'StockRejected'>): Promise<void> {
    return this.record(tx, event, { kind: 'STOCK_REJECTED' });
  }

  private async record(tx: EntityManager, event: AnyDomainEvent, fact: SagaFact, details: Partial<Payment> = {}): Promise<void> {
    const { paymentId } = event;
    // The row lock serialises the facts of one payment, which arrive on different topics.
    const payment = await this.payments.lockById(tx, paymentId);
    if (!payment) throw new PermanentMessageError(`payment ${paymentId} is unknown`);
    const next = applyFact(sagaStateOf(payment), fact);
    if (!next) {
      this.logger.log(`${fact.kind} for ${payment.status} payment ${paymentId} (stock ${payment.stockStatus}) changes nothing`);
      // The timeline tells what happened; the status machine has ignored it.
      await this.timeline.add(tx, [event]);
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
    const completed = paymentCompleted(updated);
    if (completed) {
      annotate({ 'payment.status': updated.status, ...(updated.failureReason ? { 'payment.failure_reason': updated.failureReason } : {}) });
      await this.outbox.add(tx, [completed]);
    }
    await this.timeline.add(tx, completed ? [event, completed] : [event]);
  }
}

function sagaStateOf(p: Payment): SagaState {
  return { status: p.status, failureReason: p.failureReason, fraudDecision: p.fraud?.decision ?? null, stockStatus: p.stockStatus };
}
