import { MigrationInterface, QueryRunner } from 'typeorm';

const PAYMENT_STEPS = `'initiated', 'assessed', 'reserved', 'rejected', 'funds reserved', 'funds rejected', 'succeeded', 'failed',
  'committed', 'released', 'funds settled', 'funds released', 'notified', 'recorded'`;

/** A payment's timeline also tells its refunds and its disputes (disputes.md). */
export class RefundAndDisputeSteps1766000000100 implements MigrationInterface {
  name = 'RefundAndDisputeSteps1766000000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE payment_timeline DROP CONSTRAINT payment_timeline_step_check');
    await runner.query(`
      ALTER TABLE payment_timeline ADD CONSTRAINT payment_timeline_step_check CHECK (step IN (${PAYMENT_STEPS},
        'refund requested', 'refund funds reserved', 'refund funds rejected', 'refund succeeded', 'refund failed',
        'refund funds settled', 'refund funds released', 'dispute opened', 'dispute under review', 'dispute commented',
        'dispute escalated', 'dispute resolved', 'dispute withdrawn'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE payment_timeline DROP CONSTRAINT payment_timeline_step_check');
    await runner.query(`ALTER TABLE payment_timeline ADD CONSTRAINT payment_timeline_step_check CHECK (step IN (${PAYMENT_STEPS}))`);
  }
}
