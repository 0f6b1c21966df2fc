import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds (disputes.md), one row each, so each is counted once whatever is redelivered; the status
 * moves once, from PENDING to a final one. A refund keeps its payment's id: the summary's window is
 * on the payment's creation time (payment_facts), as for everything else it counts.
 */
export class RefundFacts1766000000100 implements MigrationInterface {
  name = 'RefundFacts1766000000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE refund_facts (
        refund_id      uuid PRIMARY KEY,
        payment_id     uuid        NOT NULL,
        status         text        NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
        failure_reason text,
        amount_paise   bigint      NOT NULL CHECK (amount_paise >= 0),
        dispute_id     uuid,
        requested_at   timestamptz NOT NULL,
        completed_at   timestamptz,
        CHECK ((status = 'FAILED') = (failure_reason IS NOT NULL)),
        CHECK ((status = 'PENDING') = (completed_at IS NULL))
      )`);
    await runner.query('CREATE INDEX refund_facts_payment ON refund_facts (payment_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE refund_facts');
  }
}
