import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@app/contracts';
import { OnEventBatch } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { failedNotifications, succeededNotifications } from './notification-messages';
import { SendNotificationsService } from './send-notifications.service';

type Outcome = DomainEvent<'PaymentSucceeded'> | DomainEvent<'PaymentFailed'>;

/** Final payments, a chunk at a time: who is told what, stored and announced together. */
@Injectable()
export class PaymentOutcomeHandler {
  constructor(private readonly notifications: SendNotificationsService) {}

  @OnEventBatch('PaymentSucceeded', 'PaymentFailed')
  onOutcomes(events: Outcome[], tx: EntityManager): Promise<void> {
    return this.notifications.send(
      tx,
      events.map((event) => ({
        event,
        planned: event.type === 'PaymentSucceeded' ? succeededNotifications(event.payload) : failedNotifications(event.payload),
      })),
    );
  }
}
