import { Injectable } from '@nestjs/common';
import { splitFacts } from '../chunk-facts';
import { RefundFactsRepository } from '../refund-facts.repository';
import { RefundEvent, refundFact } from './refund-facts';

/** One row per refund: the facts table, not the inbox, makes a refund count once. */
@Injectable()
export class RefundFactsService {
  constructor(private readonly facts: RefundFactsRepository) {}

  /** A chunk's refunds: the requested ones first, then the outcomes (the same end state as one by one). */
  async record(events: RefundEvent[]): Promise<void> {
    const { opened, finished } = splitFacts(events.map(refundFact), (f) => f.refundId, 'PENDING');
    await this.facts.insertRequested(opened);
    await this.facts.finish(finished);
  }
}
