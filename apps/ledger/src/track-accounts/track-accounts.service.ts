import { Injectable } from '@nestjs/common';
import { deregistrationsOf, factsOf, latestPerVpa, VpaEvent } from '@app/contracts';
import { AccountsRepository } from '../accounts.repository';

@Injectable()
export class TrackAccountsService {
  constructor(private readonly accounts: AccountsRepository) {}

  /**
   * Opens and closes accounts from a chunk of the users service's events: the newest fact per VPA
   * wins whatever order they arrive in (`supersedes`). The accounts concerned are locked first, in
   * vpa order like every other writer, so this never deadlocks with a chunk of payments.
   */
  async apply(events: VpaEvent[]): Promise<void> {
    const facts = latestPerVpa(events.flatMap(factsOf));
    const deregistrations = deregistrationsOf(events);
    await this.accounts.lock(
      facts.map((f) => f.vpa),
      deregistrations.map((d) => d.userId),
    );
    await this.accounts.record(facts);
    await this.accounts.closeOfUsers(deregistrations);
  }
}
