import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@app/contracts';
import { OnEvent } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { KnownPayeesService } from './known-payees.service';

@Injectable()
export class PaymentSucceededHandler {
  constructor(private readonly knownPayees: KnownPayeesService) {}

  @OnEvent('PaymentSucceeded')
  onSucceeded(event: DomainEvent<'PaymentSucceeded'>, tx: EntityManager): Promise<void> {
    return this.knownPayees.record(tx, event.payload);
  }
}
