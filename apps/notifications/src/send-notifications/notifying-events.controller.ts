import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { NOTIFYING_EVENT_TYPES, NotifyingEvent } from './notification-plan';
import { SendNotificationsService } from './send-notifications.service';

/**
 * Final payments, final refunds and what happens to disputes, a chunk at a time: who is told what,
 * stored and announced together.
 */
@Controller()
export class NotifyingEventsController {
  constructor(private readonly notifications: SendNotificationsService) {}

  @EventPattern(NOTIFYING_EVENT_TYPES, { batch: true })
  onEvents(@Payload() events: NotifyingEvent[]): Promise<void> {
    return this.notifications.send(events);
  }
}
