import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AnyPaymentEvent } from '@app/contracts';
import { RecordTimelineService } from './record-timeline.service';

/** What the other services did once the payment was final: only its timeline takes note. */
@Controller()
export class TimelineEventsController {
  constructor(private readonly timeline: RecordTimelineService) {}

  @EventPattern(['StockCommitted', 'StockReleased', 'FundsSettled', 'FundsReleased', 'PaymentNotified', 'PaymentRecorded'], { batch: true })
  onEvents(@Payload() events: AnyPaymentEvent[]): Promise<void> {
    return this.timeline.record(events);
  }
}
