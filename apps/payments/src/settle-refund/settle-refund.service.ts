import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AnyPaymentEvent, DomainEvent } from '@app/contracts';
import { annotateEvent, eventContext, Outbox, PermanentMessageError } from '@app/messaging';
import { annotate, context, currentTraceHeaders, linkToTrace } from '@app/telemetry';
import { Payment } from '../payment';
import { refundCompleted, refundRequested } from '../payment-events';
import { PaymentTimelineRepository } from '../payment-timeline.repository';
import { PaymentsRepository } from '../payments.repository';
import { applyRefundFact, decideRefundAmount, Refund, RefundFact } from '../refund';
import { RefundsRepository } from '../refunds.repository';

export type RefundReportType = 'RefundFundsReserved' | 'RefundFundsRejected';
type Report = { refundId: string; paymentId: string; fact: RefundFact; event?: AnyPaymentEvent };

/**
 * The refunds' decision point, as SettlePaymentService is the payments': records what the ledger
 * says about refunds' money and what their deadlines decide, makes them final and announces them
 * in the same transaction. Also makes the refund of a dispute resolved for the payer, exactly one
 * per dispute. Locks the payments concerned first, then their refunds (both in id order), as a
 * refund request does: never a deadlock with one.
 */
@Injectable()
export class SettleRefundService {
  private readonly logger = new Logger(SettleRefundService.name);

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly refunds: RefundsRepository,
    private readonly timeline: PaymentTimelineRepository,
    private readonly outbox: Outbox,
  ) {}

  recordReports(events: Array<DomainEvent<RefundReportType>>): Promise<void> {
    return this.record(
      events.map((event) => {
        const { refundId } = event.payload;
        const fact: RefundFact =
          event.type === 'RefundFundsReserved'
            ? { kind: 'FUNDS_RESERVED' }
            : { kind: 'FUNDS_REJECTED', reason: (event as DomainEvent<'RefundFundsRejected'>).payload.reason };
        return { refundId, paymentId: event.paymentId, fact, event: event as AnyPaymentEvent };
      }),
    );
  }

  /** A refund not final within PAYMENT_TIMEOUT_S fails EXPIRED (the ledger then voids its hold, if it placed one). */
  expire(refund: { id: string; paymentId: string }): Promise<void> {
    return this.record([{ refundId: refund.id, paymentId: refund.paymentId, fact: { kind: 'EXPIRED' } }]);
  }

  private async record(reports: Report[]): Promise<void> {
    const payments = new Map((await this.payments.lockByIds([...new Set(reports.map((r) => r.paymentId))])).map((p) => [p.id, p]));
    const current = new Map((await this.refunds.lockByIds(reports.map((r) => r.refundId))).map((r) => [r.id, r]));
    const changed = new Map<string, Refund>();
    const sums: Array<{ paymentId: string; committedPaise: number; refundedPaise: number }> = [];
    const completions: Array<{ event: AnyPaymentEvent; cause?: AnyPaymentEvent }> = [];
    const steps: AnyPaymentEvent[] = [];
    const now = new Date();
    for (const { refundId, paymentId, fact, event } of reports) {
      const refund = current.get(refundId);
      const payment = payments.get(paymentId);
      if (!refund || !payment || refund.paymentId !== paymentId)
        throw new PermanentMessageError(`refund ${refundId} of payment ${paymentId} is unknown`);
      if (event) steps.push(event);
      const next = applyRefundFact(refund.status, fact);
      if (!next) {
        this.logger.log(`${fact.kind} for ${refund.status} refund ${refundId} changes nothing`);
        continue;
      }
      const updated: Refund = { ...refund, ...next, updatedAt: now, completedAt: now };
      current.set(refundId, updated);
      changed.set(refundId, updated);
      sums.push(
        updated.status === 'SUCCEEDED'
          ? { paymentId, committedPaise: 0, refundedPaise: updated.amountPaise }
          : { paymentId, committedPaise: -updated.amountPaise, refundedPaise: 0 },
      );
      const outcome = {
        'refund.id': refundId,
        'refund.status': updated.status,
        ...(updated.failureReason ? { 'refund.failure_reason': updated.failureReason } : {}),
      };
      if (event) annotateEvent(event, outcome);
      else annotate(outcome);
      if (fact.kind === 'EXPIRED') this.logger.log(`refund ${refundId} of payment ${paymentId} expired: the ledger did not answer in time`);
      const completed = refundCompleted(updated, payment)!;
      completions.push({ event: completed, cause: event });
      steps.push(completed);
    }
    await this.refunds.saveOutcomes([...changed.values()]);
    await this.payments.addToRefunds(sums);
    await this.outbox.add(
      completions.map((c) => c.event),
      completions.map((c) => c.cause),
    );
    await this.timeline.add(steps);
  }

  /**
   * Disputes resolved for the payer: a refund of the disputed amount each, with the dispute's id
   * (its unique key: whatever is redelivered, one refund per dispute). When the payment can no
   * longer give that much back (its payee refunded meanwhile), the refund is recorded FAILED
   * EXCEEDS_PAYMENT at once, and the dispute shows it.
   */
  async refundDisputes(events: Array<DomainEvent<'DisputeResolved'>>): Promise<void> {
    const forPayer = events.filter((e) => e.payload.outcome === 'PAYER');
    await this.timeline.add(events);
    if (forPayer.length === 0) return;
    const payments = new Map((await this.payments.lockByIds([...new Set(forPayer.map((e) => e.paymentId))])).map((p) => [p.id, p]));
    const made = new Set((await this.refunds.ofDisputes(forPayer.map((e) => e.payload.disputeId))).map((r) => r.disputeId));
    const created: Refund[] = [];
    const sums: Array<{ paymentId: string; committedPaise: number; refundedPaise: number }> = [];
    const announcements: Array<{ event: AnyPaymentEvent; cause: AnyPaymentEvent }> = [];
    for (const event of forPayer) {
      const { disputeId, amountPaise, resolvedByUserId, reason } = event.payload;
      const payment = payments.get(event.paymentId);
      if (!payment) throw new PermanentMessageError(`payment ${event.paymentId} of dispute ${disputeId} is unknown`);
      if (made.has(disputeId)) {
        annotateEvent(event, { 'refund.outcome': 'ALREADY_MADE' });
        continue;
      }
      made.add(disputeId);
      // The refund's trace is the resolution's (the operator's request), linked to the payment's.
      const resolution = eventContext(event) ?? context.active();
      const traceParent = currentTraceHeaders(resolution).traceparent ?? null;
      context.with(resolution, () => linkToTrace(payment.traceParent, { 'link.reason': 'refund of payment' }));
      if (payment.traceId) annotateEvent(event, { 'payment.trace_id': payment.traceId });
      const decision = decideRefundAmount(payment, amountPaise);
      const now = new Date();
      const refund: Refund = {
        id: randomUUID(),
        paymentId: payment.id,
        amountPaise,
        reason: `dispute ${disputeId}: ${reason}`.slice(0, 100),
        status: decision.ok ? 'PENDING' : 'FAILED',
        failureReason: decision.ok ? null : 'EXCEEDS_PAYMENT',
        disputeId,
        requestedBy: resolvedByUserId,
        createdAt: now,
        updatedAt: now,
        completedAt: decision.ok ? null : now,
        traceId: traceParent?.split('-')[1] ?? null,
        traceParent,
      };
      created.push(refund);
      annotateEvent(event, { 'refund.id': refund.id, 'refund.status': refund.status });
      if (decision.ok) sums.push({ paymentId: payment.id, committedPaise: amountPaise, refundedPaise: 0 });
      // Nothing to hold for a refund refused at once: only its failure is announced (the ledger marks it void).
      const announced = decision.ok ? refundRequested(refund, payment) : refundCompleted(refund, payment)!;
      announcements.push({ event: announced, cause: event });
      this.advance(payment, payments, decision.ok ? amountPaise : 0);
    }
    await this.refunds.insert(created);
    await this.payments.addToRefunds(sums);
    await this.timeline.add(announcements.map((a) => a.event));
    await this.outbox.add(
      announcements.map((a) => a.event),
      announcements.map((a) => a.cause),
    );
  }

  /** Two disputes of one payment in a chunk: the second sees what the first committed. */
  private advance(payment: Payment, payments: Map<string, Payment>, committedPaise: number): void {
    payments.set(payment.id, { ...payment, refundsCommittedPaise: payment.refundsCommittedPaise + committedPaise });
  }
}
