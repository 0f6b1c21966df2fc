import { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentTraceParent1763700000400 implements MigrationInterface {
  name = 'PaymentTraceParent1763700000400';

  async up(runner: QueryRunner): Promise<void> {
    // The W3C traceparent of the request that created the payment: what the payment's deadline (its
    // expiry, or a fail-open approval) continues, so that it shows in the payment's one trace.
    await runner.query(
      `ALTER TABLE payments ADD COLUMN trace_parent text
         CONSTRAINT payments_trace_parent_w3c CHECK (trace_parent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$')`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE payments DROP COLUMN trace_parent');
  }
}
