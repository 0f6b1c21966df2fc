import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { VpaEvent } from '@app/contracts';
import { TrackAccountsService } from './track-accounts.service';

/** The users service's facts about VPAs: a linked VPA has an open account, an unlinked one a closed account. */
@Controller()
export class UserEventsController {
  constructor(private readonly accounts: TrackAccountsService) {}

  @EventPattern(['VpaLinked', 'VpaUnlinked', 'UserDeregistered'], { batch: true })
  onEvents(@Payload() events: VpaEvent[]): Promise<void> {
    return this.accounts.apply(events);
  }
}
