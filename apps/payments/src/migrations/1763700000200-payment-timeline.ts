import { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentTimeline1763700000200 implements MigrationInterface {
  name = 'PaymentTimeline1763700000200';

  async up(runner: QueryRunner): Promise<void> {
    // The trace of the request that created the payment (null when tracing was off, and for older payments).
    await runner.query(
      `ALTER TABLE payments ADD COLUMN trace_id text CONSTRAINT payments_trace_id_hex CHECK (trace_id ~ '^[0-9a-f]{32}$')`,
    );
    // One row per lifecycle event of a payment, from every service: what happened, where and when.
    // Keyed by event id, so a redelivered event adds no second step.
    await runner.query(`
      CREATE TABLE payment_timeline (
        event_id    uuid PRIMARY KEY,
        payment_id  uuid           NOT NULL REFERENCES payments (id),
        step        text           NOT NULL CHECK (step IN ('initiated', 'assessed', 'reserved', 'rejected', 'succeeded',
                                                            'failed', 'committed', 'released', 'notified', 'recorded')),
        service     text           NOT NULL,
        occurred_at timestamptz(3) NOT NULL,
        outcome     text
      )`);
    await runner.query('CREATE INDEX payment_timeline_payment ON payment_timeline (payment_id, occurred_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE payment_timeline');
    await runner.query('ALTER TABLE payments DROP COLUMN trace_id');
  }
}
