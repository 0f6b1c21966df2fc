import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { PaymentEvent, RefundEvent } from './payment-facts';
import { TrackPaymentsService } from './track-payments.service';

/** The payments service's facts about payments and refunds: what can be disputed, for how much, and a dispute's refund. */
@Controller()
export class PaymentEventsController {
  constructor(private readonly tracking: TrackPaymentsService) {}

  @EventPattern(['PaymentInitiated', 'PaymentSucceeded', 'PaymentFailed'], { batch: true })
  onPayments(@Payload() events: PaymentEvent[]): Promise<void> {
    return this.tracking.applyPayments(events);
  }

  @EventPattern(['RefundRequested', 'RefundSucceeded', 'RefundFailed'], { batch: true })
  onRefunds(@Payload() events: RefundEvent[]): Promise<void> {
    return this.tracking.applyRefunds(events);
  }
}
