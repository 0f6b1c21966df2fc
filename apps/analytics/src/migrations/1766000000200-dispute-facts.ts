import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Disputes (disputes.md), one row each, so each is counted once whatever is redelivered; the status
 * moves once, from OPEN (reviewed or not) to how it ended. A dispute keeps its payment's id: the
 * summary's window is on the payment's creation time (payment_facts), as for everything else.
 */
export class DisputeFacts1766000000200 implements MigrationInterface {
  name = 'DisputeFacts1766000000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE dispute_facts (
        dispute_id   uuid PRIMARY KEY,
        payment_id   uuid   NOT NULL,
        status       text   NOT NULL CHECK (status IN ('OPEN', 'RESOLVED_FOR_PAYER', 'RESOLVED_FOR_PAYEE', 'WITHDRAWN')),
        reason       text   NOT NULL,
        amount_paise bigint NOT NULL CHECK (amount_paise >= 0)
      )`);
    await runner.query('CREATE INDEX dispute_facts_payment ON dispute_facts (payment_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE dispute_facts');
  }
}
