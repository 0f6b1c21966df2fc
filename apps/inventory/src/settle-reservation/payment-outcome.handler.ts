import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@app/contracts';
import { OnEvent } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { SettleReservationService } from './settle-reservation.service';

@Injectable()
export class PaymentOutcomeHandler {
  constructor(private readonly reservations: SettleReservationService) {}

  @OnEvent('PaymentSucceeded')
  onSucceeded(event: DomainEvent<'PaymentSucceeded'>, tx: EntityManager): Promise<void> {
    return this.reservations.settle(tx, event.paymentId, 'SUCCEEDED');
  }

  @OnEvent('PaymentFailed')
  onFailed(event: DomainEvent<'PaymentFailed'>, tx: EntityManager): Promise<void> {
    return this.reservations.settle(tx, event.paymentId, 'FAILED');
  }
}
