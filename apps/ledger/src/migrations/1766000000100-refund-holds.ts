import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds (disputes.md) hold and post money as payments do, from the payment's payee back to its
 * payer: a hold is now one per payment or per refund, keyed by that id, and a payment can have
 * several refunds' entries in the journal (one per refund and side).
 */
export class RefundHolds1766000000100 implements MigrationInterface {
  name = 'RefundHolds1766000000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE holds ADD COLUMN id uuid');
    await runner.query('UPDATE holds SET id = payment_id');
    await runner.query('ALTER TABLE holds ALTER COLUMN id SET NOT NULL');
    await runner.query(`ALTER TABLE holds ADD COLUMN kind text NOT NULL DEFAULT 'PAYMENT' CHECK (kind IN ('PAYMENT', 'REFUND'))`);
    await runner.query('ALTER TABLE holds ALTER COLUMN kind DROP DEFAULT');
    await runner.query('ALTER TABLE holds DROP CONSTRAINT holds_pkey');
    await runner.query('ALTER TABLE holds ADD PRIMARY KEY (id)');
    await runner.query(`ALTER TABLE holds ADD CONSTRAINT holds_payment_hold_is_its_payment CHECK (kind = 'REFUND' OR id = payment_id)`);
    await runner.query('CREATE INDEX holds_payment ON holds (payment_id)');
    await runner.query(`
      CREATE OR REPLACE FUNCTION holds_two_phase() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status IS DISTINCT FROM OLD.status
           AND NOT (OLD.status = 'PENDING' AND NEW.status IN ('POSTED', 'VOIDED')) THEN
          RAISE EXCEPTION 'hold % cannot go from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.id <> OLD.id OR NEW.kind <> OLD.kind OR NEW.payment_id <> OLD.payment_id OR NEW.payer_vpa <> OLD.payer_vpa
           OR NEW.payee_vpa <> OLD.payee_vpa OR NEW.amount_paise <> OLD.amount_paise OR NEW.day <> OLD.day THEN
          RAISE EXCEPTION 'hold % cannot change what it holds', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    // One entry per transfer (a payment or a refund) and side; a payment's transfer id is its own id.
    await runner.query('DROP INDEX entries_one_per_payment_side');
    await runner.query('CREATE UNIQUE INDEX entries_one_per_transfer_side ON entries (transfer_id, kind) WHERE payment_id IS NOT NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX entries_one_per_transfer_side');
    await runner.query('CREATE UNIQUE INDEX entries_one_per_payment_side ON entries (payment_id, kind) WHERE payment_id IS NOT NULL');
    await runner.query('ALTER TABLE holds DISABLE TRIGGER holds_no_delete');
    await runner.query(`DELETE FROM holds WHERE kind = 'REFUND'`);
    await runner.query('ALTER TABLE holds ENABLE TRIGGER holds_no_delete');
    await runner.query('DROP INDEX holds_payment');
    await runner.query('ALTER TABLE holds DROP CONSTRAINT holds_payment_hold_is_its_payment');
    await runner.query('ALTER TABLE holds DROP CONSTRAINT holds_pkey');
    await runner.query('ALTER TABLE holds ADD PRIMARY KEY (payment_id)');
    await runner.query(`
      CREATE OR REPLACE FUNCTION holds_two_phase() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status IS DISTINCT FROM OLD.status
           AND NOT (OLD.status = 'PENDING' AND NEW.status IN ('POSTED', 'VOIDED')) THEN
          RAISE EXCEPTION 'hold % cannot go from % to %', OLD.payment_id, OLD.status, NEW.status USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.payment_id <> OLD.payment_id OR NEW.payer_vpa <> OLD.payer_vpa OR NEW.payee_vpa <> OLD.payee_vpa
           OR NEW.amount_paise <> OLD.amount_paise OR NEW.day <> OLD.day THEN
          RAISE EXCEPTION 'hold % cannot change what it holds', OLD.payment_id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query('ALTER TABLE holds DROP COLUMN kind');
    await runner.query('ALTER TABLE holds DROP COLUMN id');
  }
}
