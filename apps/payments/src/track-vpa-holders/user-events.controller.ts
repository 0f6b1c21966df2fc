import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { VpaEvent } from '@app/contracts';
import { TrackVpaHoldersService } from './track-vpa-holders.service';

/** The users service's facts about VPAs: who may pay from which, and who can be paid. */
@Controller()
export class UserEventsController {
  constructor(private readonly holders: TrackVpaHoldersService) {}

  @EventPattern(['VpaLinked', 'VpaUnlinked', 'UserDeregistered'], { batch: true })
  onEvents(@Payload() events: VpaEvent[]): Promise<void> {
    return this.holders.apply(events);
  }
}
