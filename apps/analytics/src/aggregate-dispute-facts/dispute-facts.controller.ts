import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DisputeEvent } from './dispute-facts';
import { DisputeFactsService } from './dispute-facts.service';

/** Disputes opened and how they ended, a chunk at a time: one row per dispute (its review and escalation change no count). */
@Controller()
export class DisputeFactsController {
  constructor(private readonly facts: DisputeFactsService) {}

  @EventPattern(['DisputeOpened', 'DisputeResolved', 'DisputeWithdrawn'], { batch: true })
  onEvents(@Payload() events: DisputeEvent[]): Promise<void> {
    return this.facts.record(events);
  }
}
