import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@app/contracts';
import { OnEvent } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { failedFact, succeededFact } from './payment-facts';
import { PaymentFactsService } from './payment-facts.service';

@Injectable()
export class PaymentFactsHandler {
  constructor(private readonly facts: PaymentFactsService) {}

  @OnEvent('PaymentInitiated')
  onInitiated(event: DomainEvent<'PaymentInitiated'>, tx: EntityManager): Promise<void> {
    return this.facts.initiated(tx, event.paymentId, event.payload);
  }

  @OnEvent('PaymentSucceeded')
  onSucceeded(event: DomainEvent<'PaymentSucceeded'>, tx: EntityManager): Promise<void> {
    return this.facts.finished(tx, event.paymentId, succeededFact(event.payload));
  }

  @OnEvent('PaymentFailed')
  onFailed(event: DomainEvent<'PaymentFailed'>, tx: EntityManager): Promise<void> {
    return this.facts.finished(tx, event.paymentId, failedFact(event.payload));
  }
}
