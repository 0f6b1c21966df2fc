import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AnyPaymentEvent } from '@app/contracts';
import { RecordTimelineService } from './record-timeline.service';

/**
 * What the other services did once the payment (or a refund) was final, and its disputes: only
 * its timeline takes note. (DisputeResolved goes on the timeline where it makes a refund.)
 */
@Controller()
export class TimelineEventsController {
  constructor(private readonly timeline: RecordTimelineService) {}

  @EventPattern(
    [
      'StockCommitted',
      'StockReleased',
      'FundsSettled',
      'FundsReleased',
      'PaymentNotified',
      'PaymentRecorded',
      'RefundFundsSettled',
      'RefundFundsReleased',
      'DisputeOpened',
      'DisputeReviewStarted',
      'DisputeCommented',
      'DisputeEscalated',
      'DisputeWithdrawn',
    ],
    { batch: true },
  )
  onEvents(@Payload() events: AnyPaymentEvent[]): Promise<void> {
    return this.timeline.record(events);
  }
}
