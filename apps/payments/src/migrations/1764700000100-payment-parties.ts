import { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentParties1764700000100 implements MigrationInterface {
  name = 'PaymentParties1764700000100';

  async up(runner: QueryRunner): Promise<void> {
    // Who holds which VPA, as learnt from the users service's events (VpaLinked, VpaUnlinked,
    // UserDeregistered). One row per VPA ever seen: its latest fact, by the time the users service
    // stamped on it. An unlinked VPA keeps its row (linked = false, user_id = who unlinked it), so that
    // an older fact arriving late (another user's partition, a replayed dead letter) never overwrites a newer one.
    await runner.query(`
      CREATE TABLE vpa_holders (
        vpa     text           PRIMARY KEY CHECK (vpa = lower(vpa)),
        user_id uuid           NOT NULL,
        linked  boolean        NOT NULL,
        as_of   timestamptz(3) NOT NULL
      )`);
    await runner.query('CREATE INDEX vpa_holders_user ON vpa_holders (user_id) WHERE linked');

    // The parties' users at the time of the payment; null for payments made before identities existed.
    await runner.query('ALTER TABLE payments ADD COLUMN payer_user_id uuid, ADD COLUMN payee_user_id uuid');
    // A user's payments, newest first: as payer, as payee (one index each, like the VPAs').
    await runner.query('CREATE INDEX payments_payer_user_newest ON payments (payer_user_id, created_at DESC, id DESC)');
    await runner.query('CREATE INDEX payments_payee_user_newest ON payments (payee_user_id, created_at DESC, id DESC)');

    // Idempotency keys are now scoped to the payer's user, not the payer VPA. Keys stored before
    // belong to no user and could never be matched again (every request now has a user): they go.
    await runner.query('DELETE FROM idempotency_keys');
    await runner.query(`
      ALTER TABLE idempotency_keys
        ADD COLUMN payer_user_id uuid NOT NULL,
        DROP CONSTRAINT idempotency_keys_pkey,
        ADD PRIMARY KEY (payer_user_id, key)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DELETE FROM idempotency_keys');
    await runner.query(`
      ALTER TABLE idempotency_keys
        DROP CONSTRAINT idempotency_keys_pkey,
        DROP COLUMN payer_user_id,
        ADD PRIMARY KEY (payer_vpa, key)`);
    await runner.query('DROP INDEX payments_payee_user_newest');
    await runner.query('DROP INDEX payments_payer_user_newest');
    await runner.query('ALTER TABLE payments DROP COLUMN payee_user_id, DROP COLUMN payer_user_id');
    await runner.query('DROP TABLE vpa_holders');
  }
}
