import { Injectable } from '@nestjs/common';
import { deregistrationsOf, factsOf, latestPerVpa, VpaEvent } from '@app/contracts';
import { VpaHoldersRepository } from '../vpa-holders.repository';

@Injectable()
export class TrackVpaHoldersService {
  constructor(private readonly holders: VpaHoldersRepository) {}

  /**
   * Learns who holds which VPA from a chunk of the users service's events: the newest fact per VPA
   * in one statement, then what de-registrations leave behind in another. Whatever order the
   * events of different users arrive in, the newer fact wins (see `supersedes`).
   */
  async apply(events: VpaEvent[]): Promise<void> {
    await this.holders.record(latestPerVpa(events.flatMap(factsOf)));
    await this.holders.release(deregistrationsOf(events));
  }
}
