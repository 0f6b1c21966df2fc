import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@app/contracts';
import { OnEvent } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { failedNotifications, succeededNotifications } from './notification-messages';
import { SendNotificationsService } from './send-notifications.service';

@Injectable()
export class PaymentOutcomeHandler {
  constructor(private readonly notifications: SendNotificationsService) {}

  @OnEvent('PaymentSucceeded')
  onSucceeded(event: DomainEvent<'PaymentSucceeded'>, tx: EntityManager): Promise<void> {
    return this.notifications.send(tx, event.paymentId, succeededNotifications(event.payload));
  }

  @OnEvent('PaymentFailed')
  onFailed(event: DomainEvent<'PaymentFailed'>, tx: EntityManager): Promise<void> {
    return this.notifications.send(tx, event.paymentId, failedNotifications(event.payload));
  }
}
