import { MigrationInterface, QueryRunner } from 'typeorm';

export class IdempotencyAndDeadlines1763700000300 implements MigrationInterface {
  name = 'IdempotencyAndDeadlines1763700000300';

  async up(runner: QueryRunner): Promise<void> {
    // One row per (payer, Idempotency-Key): the hash of the request it was first used with and the
    // answer given then, replayed to every retry. Written in the transaction that creates the payment,
    // before the payment (the key is claimed first), hence the deferred foreign key.
    await runner.query(`
      CREATE TABLE idempotency_keys (
        payer_vpa    text           NOT NULL CHECK (payer_vpa = lower(payer_vpa)),
        key          text           NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
        request_hash text           NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
        status_code  smallint       NOT NULL,
        response     jsonb          NOT NULL,
        payment_id   uuid           NOT NULL REFERENCES payments (id) DEFERRABLE INITIALLY DEFERRED,
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (payer_vpa, key)
      )`);
    // The purge of expired keys scans by age.
    await runner.query('CREATE INDEX idempotency_keys_oldest ON idempotency_keys (created_at)');

    // Where the fraud decision came from: the fraud service, or this service approving without one
    // because none came in time (FRAUD_FAILURE_MODE=open). Set exactly when a decision is.
    await runner.query(`ALTER TABLE payments ADD COLUMN fraud_source text CHECK (fraud_source IN ('FRAUD_SERVICE', 'FAIL_OPEN'))`);
    await runner.query(`UPDATE payments SET fraud_source = 'FRAUD_SERVICE' WHERE fraud_decision IS NOT NULL`);
    await runner.query(`
      ALTER TABLE payments
        ADD CONSTRAINT payments_fraud_source_iff_decision CHECK ((fraud_source IS NULL) = (fraud_decision IS NULL)),
        ADD CONSTRAINT payments_fail_open_approves CHECK (fraud_source <> 'FAIL_OPEN' OR fraud_decision = 'APPROVED')`);
    // The deadline sweeper takes the oldest PENDING payments; few are pending at any time.
    await runner.query(`CREATE INDEX payments_pending_oldest ON payments (created_at) WHERE status = 'PENDING'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX payments_pending_oldest');
    await runner.query('ALTER TABLE payments DROP COLUMN fraud_source');
    await runner.query('DROP TABLE idempotency_keys');
  }
}
