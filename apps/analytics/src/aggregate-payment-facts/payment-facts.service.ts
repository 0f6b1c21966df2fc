import { Injectable } from '@nestjs/common';
import { AnyPaymentEvent, createEvent, DomainEvent } from '@app/contracts';
import { annotateEvent, Outbox } from '@app/messaging';
import { PaymentFactsRepository } from '../payment-facts.repository';
import { failedFact, FinalFact, recordedPayload, succeededFact } from './payment-facts';

export type FactEvent = DomainEvent<'PaymentInitiated'> | DomainEvent<'PaymentSucceeded'> | DomainEvent<'PaymentFailed'>;

/** One row per payment: the facts table, not the inbox, is what makes a payment count once. */
@Injectable()
export class PaymentFactsService {
  constructor(
    private readonly outbox: Outbox,
    private readonly facts: PaymentFactsRepository,
  ) {}

  /**
   * New payments and their outcomes, a chunk at a time: the new ones first, then the outcomes (the
   * same end state as one by one, since an outcome also counts a payment it has not seen initiated).
   */
  async record(events: FactEvent[]): Promise<void> {
    const initiated = events.filter((e): e is DomainEvent<'PaymentInitiated'> => e.type === 'PaymentInitiated');
    await this.facts.insertPending(
      initiated.map((e) => ({ paymentId: e.paymentId, createdAt: e.payload.createdAt, amountPaise: e.payload.amountPaise })),
    );
    const outcomes: Array<{ event: AnyPaymentEvent; fact: FinalFact }> = [];
    for (const event of events) {
      if (event.type === 'PaymentSucceeded') outcomes.push({ event, fact: succeededFact(event.payload) });
      if (event.type === 'PaymentFailed') outcomes.push({ event, fact: failedFact(event.payload) });
    }
    if (outcomes.length > 0) await this.finished(outcomes);
  }

  /**
   * Sets the final status of each payment once: only a PENDING row moves, so a second or contradicting final event
   * changes nothing. A final event with no initiated row before it still counts the payment, from
   * the facts its own payload carries. The payment becoming final here is announced (PaymentRecorded)
   * in the same transaction; a final event that changes nothing announces nothing.
   */
  private async finished(outcomes: Array<{ event: AnyPaymentEvent; fact: FinalFact }>): Promise<void> {
    // One final event per payment per statement (a row cannot be upserted twice in one); the first counts.
    const payments = new Set<string>();
    const firsts = outcomes.filter(({ event }) => !payments.has(event.paymentId) && payments.add(event.paymentId));
    const recorded = await this.facts.finish(firsts.map(({ event, fact }) => ({ paymentId: event.paymentId, ...fact })));
    const announced = firsts.filter((o) => recorded.has(o.event.paymentId));
    for (const { event, fact } of announced)
      annotateEvent(event, { 'analytics.recorded_status': fact.status, 'analytics.latency_ms': fact.latencyMs });
    await this.outbox.add(
      announced.map(({ event, fact }) => createEvent('PaymentRecorded', event.paymentId, recordedPayload(fact), 'analytics')),
      announced.map(({ event }) => event),
    );
  }
}
