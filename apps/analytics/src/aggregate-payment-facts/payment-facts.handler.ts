import { Injectable } from '@nestjs/common';
import { AnyDomainEvent, DomainEvent } from '@app/contracts';
import { OnEventBatch } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { failedFact, FinalFact, succeededFact } from './payment-facts';
import { PaymentFactsService } from './payment-facts.service';

type FactEvent = DomainEvent<'PaymentInitiated'> | DomainEvent<'PaymentSucceeded'> | DomainEvent<'PaymentFailed'>;

/**
 * New payments and their outcomes, a chunk at a time: the new ones first, then the outcomes (the
 * same end state as one by one, since an outcome also counts a payment it has not seen initiated).
 */
@Injectable()
export class PaymentFactsHandler {
  constructor(private readonly facts: PaymentFactsService) {}

  @OnEventBatch('PaymentInitiated', 'PaymentSucceeded', 'PaymentFailed')
  async onEvents(events: FactEvent[], tx: EntityManager): Promise<void> {
    const initiated = events.filter((e): e is DomainEvent<'PaymentInitiated'> => e.type === 'PaymentInitiated');
    if (initiated.length > 0) await this.facts.initiated(tx, initiated);
    const outcomes: Array<{ event: AnyDomainEvent; fact: FinalFact }> = [];
    for (const event of events) {
      if (event.type === 'PaymentSucceeded') outcomes.push({ event, fact: succeededFact(event.payload) });
      if (event.type === 'PaymentFailed') outcomes.push({ event, fact: failedFact(event.payload) });
    }
    if (outcomes.length > 0) await this.facts.finished(tx, outcomes);
  }
}
