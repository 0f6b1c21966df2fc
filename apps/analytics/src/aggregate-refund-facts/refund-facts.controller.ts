import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { RefundEvent } from './refund-facts';
import { RefundFactsService } from './refund-facts.service';

/** Refunds and their outcomes, a chunk at a time: one row per refund. */
@Controller()
export class RefundFactsController {
  constructor(private readonly facts: RefundFactsService) {}

  @EventPattern(['RefundRequested', 'RefundSucceeded', 'RefundFailed'], { batch: true })
  onEvents(@Payload() events: RefundEvent[]): Promise<void> {
    return this.facts.record(events);
  }
}
