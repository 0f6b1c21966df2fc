import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AnyPaymentEvent, DomainEvent } from '@app/contracts';
import { annotateEvent, Outbox, PermanentMessageError } from '@app/messaging';
import { annotate } from '@app/telemetry';
import { DeadlineAction } from '../expire-payments/deadlines';
import { FraudAssessment, Payment } from '../payment';
import { paymentCompleted } from '../payment-events';
import { PaymentMetrics } from '../payment-metrics';
import { PaymentTimelineRepository } from '../payment-timeline.repository';
import { PaymentsRepository } from '../payments.repository';
import { applyFact, SagaFact, SagaState } from './payment-saga';

/** What made the saga move: an event from another service, or a deadline this service saw pass. */
type Cause = { event: AnyPaymentEvent } | { deadline: DeadlineAction };

/** One thing the saga learns about one payment, and why. */
interface Report {
  paymentId: string;
  cause: Cause;
  fact: SagaFact;
  details?: Partial<Payment>;
}

/**
 * The saga's decision point: records what fraud, the ledger and inventory report about payments, and what
 * their deadlines decide, and once the facts decide a payment, makes it final and announces it in
 * the same transaction. Every report goes on the payment's timeline, also one that no longer
 * changes the payment. Reports come in batches (a chunk of a Kafka batch): each statement serves
 * the whole batch.
 */
@Injectable()
export class SettlePaymentService {
  private readonly logger = new Logger(SettlePaymentService.name);

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly timeline: PaymentTimelineRepository,
    private readonly outbox: Outbox,
    private readonly metrics: PaymentMetrics,
  ) {}

  /** FraudAssessed, FundsReserved/Rejected and StockReserved/Rejected events, in the order they were consumed. */
  recordReports(events: Array<DomainEvent<SagaEventType>>): Promise<void> {
    return this.record(events.map(reportOf));
  }

  /**
   * A deadline has passed (see `deadlineAction`): EXPIRE fails the payment EXPIRED; FAIL_OPEN
   * approves it without an assessment (score 0, no reasons, marked FAIL_OPEN), after which it
   * completes like any approved payment. A real assessment arriving later changes nothing.
   */
  applyDeadline(paymentId: string, action: DeadlineAction): Promise<void> {
    if (action === 'EXPIRE') return this.record([{ paymentId, cause: { deadline: action }, fact: { kind: 'EXPIRED' } }]);
    const fraud: FraudAssessment = { decision: 'APPROVED', score: 0, reasons: [], assessedAt: new Date(), source: 'FAIL_OPEN' };
    return this.record([
      { paymentId, cause: { deadline: action }, fact: { kind: 'FRAUD_ASSESSED', decision: 'APPROVED' }, details: { fraud } },
    ]);
  }

  /**
   * Locks every payment concerned (in id order: two batches never deadlock), folds the reports
   * into them in order, then writes the changed rows, the completion events and the timeline steps
   * with one statement each.
   */
  private async record(reports: Report[]): Promise<void> {
    // The row locks serialise the facts of one payment, which arrive on different topics (and from the sweeper).
    const locked = await this.payments.lockByIds([...new Set(reports.map((r) => r.paymentId))]);
    const current = new Map(locked.map((p) => [p.id, p]));
    const changed = new Map<string, Payment>();
    const completions: Array<{ event: DomainEvent<'PaymentSucceeded' | 'PaymentFailed'>; cause?: AnyPaymentEvent }> = [];
    const finals: Payment[] = [];
    const steps: AnyPaymentEvent[] = [];
    const now = new Date();
    for (const { paymentId, cause, fact, details } of reports) {
      const event = 'event' in cause ? cause.event : undefined;
      const payment = current.get(paymentId);
      if (!payment) throw new PermanentMessageError(`payment ${paymentId} is unknown`);
      if (event) steps.push(event); // the timeline tells what happened, also what the status machine ignores
      const next = applyFact(sagaStateOf(payment), fact);
      if (!next) {
        this.logger.log(
          `${fact.kind} for ${payment.status} payment ${paymentId} (stock ${payment.stockStatus}, funds ${payment.fundsStatus}) changes nothing`,
        );
        continue;
      }
      const updated: Payment = {
        ...payment,
        ...details,
        status: next.status,
        failureReason: next.failureReason,
        stockStatus: next.stockStatus,
        fundsStatus: next.fundsStatus,
        updatedAt: now,
        completedAt: next.status === 'PENDING' ? null : now,
      };
      current.set(paymentId, updated);
      changed.set(paymentId, updated);
      if ('deadline' in cause) this.logDeadline(updated, cause.deadline);
      const completed = paymentCompleted(updated);
      if (completed) {
        const outcome = {
          'payment.status': updated.status,
          ...(updated.failureReason ? { 'payment.failure_reason': updated.failureReason } : {}),
        };
        if (event) annotateEvent(event, outcome);
        else annotate(outcome);
        completions.push({ event: completed, cause: event });
        steps.push(completed);
        finals.push(updated);
      }
    }
    await this.payments.saveProgress([...changed.values()]);
    await this.outbox.add(
      completions.map((c) => c.event),
      completions.map((c) => c.cause),
    );
    await this.timeline.add(steps);
    this.metrics.finalized(finals);
    const failOpen = reports.filter((r) => 'deadline' in r.cause && r.cause.deadline === 'FAIL_OPEN');
    // No event marks such an approval: the timeline shows it as an assessment this service made.
    await this.timeline.addSteps(
      failOpen.map(({ paymentId }) => ({
        eventId: randomUUID(),
        paymentId,
        step: 'assessed',
        service: 'payments',
        occurredAt: now,
        outcome: 'APPROVED: FAIL_OPEN (no assessment in time)',
      })),
    );
  }

  private logDeadline(payment: Payment, action: DeadlineAction): void {
    if (action === 'EXPIRE')
      this.logger.log(`payment ${payment.id} expired: not final in time (stock ${payment.stockStatus}, funds ${payment.fundsStatus})`);
    else this.logger.warn(`payment ${payment.id} approved without a fraud assessment (FRAUD_FAILURE_MODE=open), now ${payment.status}`);
  }
}

export type SagaEventType = 'FraudAssessed' | 'StockReserved' | 'StockRejected' | 'FundsReserved' | 'FundsRejected';

function reportOf(event: DomainEvent<SagaEventType>): Report {
  const cause = { event: event as AnyPaymentEvent };
  switch (event.type) {
    case 'FraudAssessed': {
      const { payload } = event as DomainEvent<'FraudAssessed'>;
      const fraud: FraudAssessment = { ...payload, assessedAt: new Date(payload.assessedAt), source: 'FRAUD_SERVICE' };
      return { paymentId: event.paymentId, cause, fact: { kind: 'FRAUD_ASSESSED', decision: payload.decision }, details: { fraud } };
    }
    case 'StockReserved':
      return { paymentId: event.paymentId, cause, fact: { kind: 'STOCK_RESERVED' } };
    case 'StockRejected':
      return { paymentId: event.paymentId, cause, fact: { kind: 'STOCK_REJECTED' } };
    case 'FundsReserved':
      return { paymentId: event.paymentId, cause, fact: { kind: 'FUNDS_RESERVED' } };
    case 'FundsRejected': {
      const { reason } = (event as DomainEvent<'FundsRejected'>).payload;
      return { paymentId: event.paymentId, cause, fact: { kind: 'FUNDS_REJECTED', reason } };
    }
  }
}

function sagaStateOf(p: Payment): SagaState {
  return {
    status: p.status,
    failureReason: p.failureReason,
    fraudDecision: p.fraud?.decision ?? null,
    stockStatus: p.stockStatus,
    fundsStatus: p.fundsStatus,
  };
}
