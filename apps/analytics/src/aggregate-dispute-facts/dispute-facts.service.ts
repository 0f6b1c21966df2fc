import { Injectable } from '@nestjs/common';
import { splitFacts } from '../chunk-facts';
import { DisputeFactsRepository } from '../dispute-facts.repository';
import { DisputeEvent, disputeFact } from './dispute-facts';

/** One row per dispute: the facts table, not the inbox, makes a dispute count once. */
@Injectable()
export class DisputeFactsService {
  constructor(private readonly facts: DisputeFactsRepository) {}

  /** A chunk's disputes: the opened ones first, then the resolutions and withdrawals. */
  async record(events: DisputeEvent[]): Promise<void> {
    const { opened, finished } = splitFacts(events.map(disputeFact), (f) => f.disputeId, 'OPEN');
    await this.facts.insertOpened(opened);
    await this.facts.finish(finished);
  }
}
