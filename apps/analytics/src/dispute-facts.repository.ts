import { Injectable } from '@nestjs/common';
import { Database, valuesList } from '@app/platform';
import { DisputeFact } from './aggregate-dispute-facts/dispute-facts';

/** The dispute_facts table: one row per dispute, so each is counted once. */
@Injectable()
export class DisputeFactsRepository {
  constructor(private readonly db: Database) {}

  /** Disputes seen again (or after they ended) keep the rows they already have. */
  async insertOpened(facts: DisputeFact[]): Promise<void> {
    if (facts.length === 0) return;
    const { sql, params } = valuesList(facts.map((f) => [f.disputeId, f.paymentId, f.reason, f.amountPaise]));
    await this.db.query(
      `INSERT INTO dispute_facts (dispute_id, payment_id, status, reason, amount_paise)
       SELECT v.dispute_id::uuid, v.payment_id::uuid, 'OPEN', v.reason, v.amount_paise::bigint
         FROM (VALUES ${sql}) AS v (dispute_id, payment_id, reason, amount_paise)
       ON CONFLICT (dispute_id) DO NOTHING`,
      params,
    );
  }

  /** Ends each dispute once (resolved or withdrawn): only an OPEN row moves. At most one fact per dispute. */
  async finish(facts: DisputeFact[]): Promise<void> {
    if (facts.length === 0) return;
    const { sql, params } = valuesList(facts.map((f) => [f.disputeId, f.paymentId, f.status, f.reason, f.amountPaise]));
    await this.db.query(
      `INSERT INTO dispute_facts (dispute_id, payment_id, status, reason, amount_paise)
       SELECT v.dispute_id::uuid, v.payment_id::uuid, v.status, v.reason, v.amount_paise::bigint
         FROM (VALUES ${sql}) AS v (dispute_id, payment_id, status, reason, amount_paise)
       ON CONFLICT (dispute_id) DO UPDATE SET status = EXCLUDED.status
       WHERE dispute_facts.status = 'OPEN'`,
      params,
    );
  }
}
