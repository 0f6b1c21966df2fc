import { Injectable } from '@nestjs/common';
import { PaymentFactsRepository } from '../payment-facts.repository';
import { SummaryQueryDto } from './summary.dto';
import { SummaryView } from './summary-view';

@Injectable()
export class SummaryService {
  constructor(private readonly facts: PaymentFactsRepository) {}

  /** The payments created in [from, to), counted from one snapshot. */
  summary({ from, to }: SummaryQueryDto): Promise<SummaryView> {
    return this.facts.summary({ from, to });
  }
}
