import { MigrationInterface, QueryRunner } from 'typeorm';

export class Fraud1763700000100 implements MigrationInterface {
  name = 'Fraud1763700000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE assessments (
        payment_id  uuid PRIMARY KEY,
        decision    text        NOT NULL CHECK (decision IN ('APPROVED', 'REJECTED')),
        score       integer     NOT NULL CHECK (score BETWEEN 0 AND 100),
        reasons     jsonb       NOT NULL DEFAULT '[]'::jsonb,
        assessed_at timestamptz NOT NULL
      )`);
    // The velocity rule's state: every payment assessed, approved or not, by payer and creation time.
    await runner.query(`
      CREATE TABLE seen_payments (
        payment_id uuid PRIMARY KEY,
        payer_vpa  text        NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await runner.query('CREATE INDEX seen_payments_payer_created ON seen_payments (payer_vpa, created_at)');
    // Pairs with at least one succeeded payment: a high amount to them is not a new payee.
    await runner.query(`
      CREATE TABLE known_payees (
        payer_vpa     text        NOT NULL,
        payee_vpa     text        NOT NULL,
        first_paid_at timestamptz NOT NULL,
        PRIMARY KEY (payer_vpa, payee_vpa)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE known_payees');
    await runner.query('DROP TABLE seen_payments');
    await runner.query('DROP TABLE assessments');
  }
}
