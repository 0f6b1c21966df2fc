import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds (disputes.md). A payment keeps two running sums: what its pending and succeeded refunds
 * take (`refunds_committed_paise`, never above its amount: concurrent refunds cannot pass it,
 * whatever the code above does) and what its succeeded refunds gave back (`refunded_paise`).
 */
export class Refunds1766000000200 implements MigrationInterface {
  name = 'Refunds1766000000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE payments
        ADD COLUMN refunds_committed_paise bigint NOT NULL DEFAULT 0,
        ADD COLUMN refunded_paise bigint NOT NULL DEFAULT 0,
        ADD CONSTRAINT payments_refunds_within_amount
          CHECK (0 <= refunded_paise AND refunded_paise <= refunds_committed_paise AND refunds_committed_paise <= amount_paise),
        ADD CONSTRAINT payments_refunds_only_when_succeeded CHECK (refunds_committed_paise = 0 OR status = 'SUCCEEDED')`);
    await runner.query(`
      CREATE TABLE refunds (
        id             uuid PRIMARY KEY,
        payment_id     uuid           NOT NULL REFERENCES payments (id),
        amount_paise   bigint         NOT NULL CHECK (amount_paise > 0),
        reason         text           NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 100),
        status         text           NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
        failure_reason text           CHECK (failure_reason IN ('INSUFFICIENT_FUNDS', 'ACCOUNT_CLOSED', 'EXPIRED', 'EXCEEDS_PAYMENT')),
        -- the dispute whose resolution asked for it: at most one refund per dispute
        dispute_id     uuid           UNIQUE,
        requested_by   uuid           NOT NULL,
        created_at     timestamptz(3) NOT NULL DEFAULT now(),
        updated_at     timestamptz(3) NOT NULL DEFAULT now(),
        completed_at   timestamptz(3),
        trace_id       text           CHECK (trace_id ~ '^[0-9a-f]{32}$'),
        trace_parent   text,
        CHECK ((status = 'FAILED') = (failure_reason IS NOT NULL)),
        CHECK ((status = 'PENDING') = (completed_at IS NULL))
      )`);
    await runner.query('CREATE INDEX refunds_of_payment ON refunds (payment_id, created_at)');
    await runner.query(`CREATE INDEX refunds_pending_oldest ON refunds (created_at) WHERE status = 'PENDING'`);
    // Forward-only: PENDING becomes SUCCEEDED or FAILED, once; what was asked for never changes.
    await runner.query(`
      CREATE FUNCTION refunds_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status IS DISTINCT FROM OLD.status AND OLD.status <> 'PENDING' THEN
          RAISE EXCEPTION 'refund % cannot go from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.payment_id <> OLD.payment_id OR NEW.amount_paise <> OLD.amount_paise OR NEW.dispute_id IS DISTINCT FROM OLD.dispute_id THEN
          RAISE EXCEPTION 'refund % cannot change what it refunds', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query('CREATE TRIGGER refunds_forward_only BEFORE UPDATE ON refunds FOR EACH ROW EXECUTE FUNCTION refunds_forward_only()');
    // A refund's Idempotency-Key, scoped to the user who asked, with the answer to replay.
    await runner.query(`
      CREATE TABLE refund_idempotency_keys (
        user_id      uuid           NOT NULL,
        key          text           NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
        request_hash text           NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
        response     jsonb          NOT NULL,
        refund_id    uuid           NOT NULL REFERENCES refunds (id),
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`);
    await runner.query('CREATE INDEX refund_idempotency_keys_oldest ON refund_idempotency_keys (created_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE refund_idempotency_keys');
    await runner.query('DROP TABLE refunds');
    await runner.query('DROP FUNCTION refunds_forward_only');
    await runner.query(`
      ALTER TABLE payments DROP CONSTRAINT payments_refunds_only_when_succeeded, DROP CONSTRAINT payments_refunds_within_amount,
        DROP COLUMN refunded_paise, DROP COLUMN refunds_committed_paise`);
  }
}
