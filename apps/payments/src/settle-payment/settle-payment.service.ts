import { Injectable, Logger } from '@nestjs/common';
import { PayloadOf } from '@app/contracts';
import { Outbox, PermanentMessageError } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { FraudAssessment, Payment } from '../payment';
import { paymentCompleted } from '../payment-events';
import { PaymentsRepository } from '../payments.repository';
import { applyFact, SagaFact, SagaState } from './payment-saga';

/**
 * The saga's decision point: records what fraud and inventory report about a payment and, once
 * the facts decide it, makes the payment final and announces it in the same transaction.
 */
@Injectable()
export class SettlePaymentService {
  private readonly logger = new Logger(SettlePaymentService.name);

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly outbox: Outbox,
  ) {}

  recordFraudAssessment(tx: EntityManager, paymentId: string, assessment: PayloadOf<'FraudAssessed'>): Promise<void> {
    const fraud: FraudAssessment = { ...assessment, assessedAt: new Date(assessment.assessedAt) };
    return this.record(tx, paymentId, { kind: 'FRAUD_ASSESSED', decision: assessment.decision }, { fraud });
  }

  recordStockReserved(tx: EntityManager, paymentId: string): Promise<void> {
    return this.record(tx, paymentId, { kind: 'STOCK_RESERVED' });
  }

  recordStockRejected(tx: EntityManager, paymentId: string): Promise<void> {
    return this.record(tx, paymentId, { kind: 'STOCK_REJECTED' });
  }

  private async record(tx: EntityManager, paymentId: string, fact: SagaFact, details: Partial<Payment> = {}): Promise<void> {
    // The row lock serialises the facts of one payment, which arrive on different topics.
    const payment = await this.payments.lockById(tx, paymentId);
    if (!payment) throw new PermanentMessageError(`payment ${paymentId} is unknown`);
    const next = applyFact(sagaStateOf(payment), fact);
    if (!next) {
      this.logger.log(`${fact.kind} for ${payment.status} payment ${paymentId} (stock ${payment.stockStatus}) changes nothing`);
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
    if (completed) await this.outbox.add(tx, [completed]);
  }
}

function sagaStateOf(p: Payment): SagaState {
  return { status: p.status, failureReason: p.failureReason, fraudDecision: p.fraud?.decision ?? null, stockStatus: p.stockStatus };
}
