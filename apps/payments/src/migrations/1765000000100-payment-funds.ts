import { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentFunds1765000000100 implements MigrationInterface {
  name = 'PaymentFunds1765000000100';

  async up(runner: QueryRunner): Promise<void> {
    // The ledger's answer about the payer's funds (money.md). Payments made before the ledger
    // existed never waited for it: UNTRACKED. Every new payment starts PENDING.
    await runner.query(`
      ALTER TABLE payments ADD COLUMN funds_status text NOT NULL DEFAULT 'UNTRACKED'
        CONSTRAINT payments_funds_status CHECK (funds_status IN ('UNTRACKED', 'PENDING', 'RESERVED', 'REJECTED'))`);
    await runner.query(`ALTER TABLE payments ALTER COLUMN funds_status SET DEFAULT 'PENDING'`);
    await runner.query('ALTER TABLE payments DROP CONSTRAINT payments_failure_reason_check');
    await runner.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_failure_reason_check CHECK (failure_reason IN
        ('FRAUD_REJECTED', 'OUT_OF_STOCK', 'EXPIRED', 'INSUFFICIENT_FUNDS', 'DAILY_LIMIT_EXCEEDED', 'ACCOUNT_CLOSED'))`);
    // The saga's rule, enforced once more where the data lives: success needs the funds held.
    await runner.query('ALTER TABLE payments DROP CONSTRAINT payments_succeeded_when_approved_and_stocked');
    await runner.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_succeeded_when_approved_stocked_and_funded CHECK (
        status <> 'SUCCEEDED' OR (fraud_decision = 'APPROVED' AND stock_status IN ('NOT_REQUIRED', 'RESERVED')
                                  AND funds_status IN ('RESERVED', 'UNTRACKED')))`);
    await runner.query('ALTER TABLE payment_timeline DROP CONSTRAINT payment_timeline_step_check');
    await runner.query(`
      ALTER TABLE payment_timeline ADD CONSTRAINT payment_timeline_step_check CHECK (step IN
        ('initiated', 'assessed', 'reserved', 'rejected', 'funds reserved', 'funds rejected', 'succeeded', 'failed',
         'committed', 'released', 'funds settled', 'funds released', 'notified', 'recorded'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE payment_timeline DROP CONSTRAINT payment_timeline_step_check');
    await runner.query(`
      ALTER TABLE payment_timeline ADD CONSTRAINT payment_timeline_step_check CHECK (step IN
        ('initiated', 'assessed', 'reserved', 'rejected', 'succeeded', 'failed', 'committed', 'released', 'notified', 'recorded'))`);
    await runner.query('ALTER TABLE payments DROP CONSTRAINT payments_succeeded_when_approved_stocked_and_funded');
    await runner.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_succeeded_when_approved_and_stocked CHECK (
        status <> 'SUCCEEDED' OR (fraud_decision = 'APPROVED' AND stock_status IN ('NOT_REQUIRED', 'RESERVED')))`);
    await runner.query('ALTER TABLE payments DROP CONSTRAINT payments_failure_reason_check');
    await runner.query(`
      ALTER TABLE payments ADD CONSTRAINT payments_failure_reason_check CHECK (failure_reason IN ('FRAUD_REJECTED', 'OUT_OF_STOCK', 'EXPIRED'))`);
    await runner.query('ALTER TABLE payments DROP COLUMN funds_status');
  }
}
