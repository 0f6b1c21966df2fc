import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { PaymentEvent, PaymentFundsService } from './payment-funds.service';

/** New payments hold the payer's funds; final ones post or void the hold. A chunk at a time, in order. */
@Controller()
export class PaymentEventsController {
  constructor(private readonly funds: PaymentFundsService) {}

  @EventPattern(['PaymentInitiated', 'PaymentSucceeded', 'PaymentFailed'], { batch: true })
  onEvents(@Payload() events: PaymentEvent[]): Promise<void> {
    return this.funds.applyAll(events);
  }
}
