import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AnyPaymentEvent, PAYMENT_EVENT_TYPES } from '@app/contracts';
import { LifecycleEventsService } from './lifecycle-events.service';

@Controller()
export class LifecycleEventController {
  constructor(private readonly events: LifecycleEventsService) {}

  /** Every type in the catalogue, so a new event type is recorded without touching this service. */
  @EventPattern(PAYMENT_EVENT_TYPES, { batch: true })
  onEvents(@Payload() events: AnyPaymentEvent[]): Promise<void> {
    return this.events.record(events);
  }
}
