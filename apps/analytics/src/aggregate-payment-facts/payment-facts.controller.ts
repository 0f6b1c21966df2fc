import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { FactEvent, PaymentFactsService } from './payment-facts.service';

/** New payments and their outcomes, a chunk at a time: one row per payment. */
@Controller()
export class PaymentFactsController {
  constructor(private readonly facts: PaymentFactsService) {}

  @EventPattern(['PaymentInitiated', 'PaymentSucceeded', 'PaymentFailed'], { batch: true })
  onEvents(@Payload() events: FactEvent[]): Promise<void> {
    return this.facts.record(events);
  }
}
