import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts, holds, daily spend and the journal. The database itself refuses what must never happen,
 * whatever the code above it does: a negative balance or available amount (accounts CHECK), a hold
 * that changes once it is final (trigger), and a journal entry that is changed or deleted (trigger).
 */
export class Ledger1765000000100 implements MigrationInterface {
  name = 'Ledger1765000000100';

  async up(runner: QueryRunner): Promise<void> {
    // TigerBeetle's account model: balance = credits_posted - debits_posted, held = debits_pending.
    await runner.query(`
      CREATE TABLE accounts (
        vpa            text PRIMARY KEY CHECK (vpa = lower(vpa)),
        user_id        uuid           NOT NULL,
        status         text           NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
        credits_posted bigint         NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
        debits_posted  bigint         NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
        debits_pending bigint         NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
        -- the users service's time of the last fact applied: an older fact never overrides it
        as_of          timestamptz(3) NOT NULL,
        opened_at      timestamptz    NOT NULL DEFAULT now(),
        closed_at      timestamptz,
        CONSTRAINT accounts_never_negative CHECK (debits_posted + debits_pending <= credits_posted)
      )`);
    await runner.query('CREATE INDEX accounts_user_id ON accounts (user_id)');

    await runner.query(`
      CREATE TABLE holds (
        payment_id   uuid PRIMARY KEY,
        payer_vpa    text        NOT NULL,
        payee_vpa    text        NOT NULL,
        amount_paise bigint      NOT NULL CHECK (amount_paise >= 0),
        day          date        NOT NULL,
        status       text        NOT NULL CHECK (status IN ('PENDING', 'POSTED', 'VOIDED', 'REJECTED')),
        reason       text        CHECK ((status = 'REJECTED') = (reason IS NOT NULL)),
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX holds_pending_payer ON holds (payer_vpa) WHERE status = 'PENDING'`);
    // Two-phase: a pending hold is posted or voided, never both, and a final one never changes.
    await runner.query(`
      CREATE FUNCTION holds_two_phase() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await runner.query(`CREATE TRIGGER holds_two_phase BEFORE UPDATE ON holds FOR EACH ROW EXECUTE FUNCTION holds_two_phase()`);
    await runner.query(`CREATE FUNCTION holds_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'holds are never deleted' USING ERRCODE = 'check_violation'; END $$`);
    await runner.query(`CREATE TRIGGER holds_no_delete BEFORE DELETE ON holds FOR EACH ROW EXECUTE FUNCTION holds_no_delete()`);

    // A payer's debits on one India day, held or posted: + on hold, - on void, unchanged on post.
    await runner.query(`
      CREATE TABLE daily_spend (
        vpa          text   NOT NULL,
        day          date   NOT NULL,
        amount_paise bigint NOT NULL CHECK (amount_paise >= 0),
        PRIMARY KEY (vpa, day)
      )`);

    // The journal: append-only, one row per side of every posted transfer.
    await runner.query(`
      CREATE TABLE entries (
        id            bigserial PRIMARY KEY,
        vpa           text        NOT NULL,
        kind          text        NOT NULL CHECK (kind IN ('DEPOSIT', 'WITHDRAWAL', 'PAYMENT_DEBIT', 'PAYMENT_CREDIT', 'REFUND_DEBIT', 'REFUND_CREDIT')),
        amount_paise  bigint      NOT NULL CHECK (amount_paise > 0),
        balance_after bigint      NOT NULL CHECK (balance_after >= 0),
        payment_id    uuid,
        reference     text,
        transfer_id   uuid        NOT NULL,
        at            timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX entries_statement ON entries (vpa, id DESC)');
    await runner.query('CREATE UNIQUE INDEX entries_one_per_payment_side ON entries (payment_id, kind) WHERE payment_id IS NOT NULL');
    await runner.query(`CREATE FUNCTION entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the journal is append-only: % refused', TG_OP USING ERRCODE = 'check_violation'; END $$`);
    await runner.query(
      'CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries FOR EACH ROW EXECUTE FUNCTION entries_append_only()',
    );

    // Deposits and withdrawals: transfers between the bank (outside these accounts) and an account.
    await runner.query(`
      CREATE TABLE operator_transfers (
        id           uuid PRIMARY KEY,
        vpa          text        NOT NULL,
        kind         text        NOT NULL CHECK (kind IN ('DEPOSIT', 'WITHDRAWAL')),
        amount_paise bigint      NOT NULL CHECK (amount_paise > 0),
        reference    text        NOT NULL,
        entry_id     bigint      NOT NULL REFERENCES entries (id),
        operator_id  uuid        NOT NULL,
        at           timestamptz NOT NULL DEFAULT now(),
        UNIQUE (vpa, reference)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE operator_transfers');
    await runner.query('DROP TABLE entries');
    await runner.query('DROP FUNCTION entries_append_only');
    await runner.query('DROP TABLE daily_spend');
    await runner.query('DROP TABLE holds');
    await runner.query('DROP FUNCTION holds_two_phase');
    await runner.query('DROP FUNCTION holds_no_delete');
    await runner.query('DROP TABLE accounts');
  }
}
