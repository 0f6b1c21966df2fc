import { MigrationInterface, QueryRunner } from 'typeorm';

export class Users1763700000500 implements MigrationInterface {
  name = 'Users1763700000500';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE users (
        id              uuid PRIMARY KEY,
        name            text           NOT NULL,
        phone           text           NOT NULL,
        password_hash   text           NOT NULL,
        roles           text[]         NOT NULL DEFAULT '{}',
        created_at      timestamptz(3) NOT NULL DEFAULT now(),
        deregistered_at timestamptz(3)
      )`);
    // A phone names one registered user; once de-registered, the number may sign up again.
    await runner.query('CREATE UNIQUE INDEX users_phone_registered ON users (phone) WHERE deregistered_at IS NULL');

    // Every link a VPA ever had: a row is linked until unlinked_at is set, never deleted, so who
    // held an address when stays known.
    await runner.query(`
      CREATE TABLE vpas (
        id          bigserial PRIMARY KEY,
        vpa         text           NOT NULL CHECK (vpa = lower(vpa)),
        user_id     uuid           NOT NULL REFERENCES users (id),
        linked_at   timestamptz(3) NOT NULL DEFAULT now(),
        unlinked_at timestamptz(3)
      )`);
    // A VPA is linked to at most one user at a time: two concurrent links of one address, one wins.
    await runner.query('CREATE UNIQUE INDEX vpas_linked ON vpas (vpa) WHERE unlinked_at IS NULL');
    await runner.query('CREATE INDEX vpas_user_linked ON vpas (user_id) WHERE unlinked_at IS NULL');

    // The audit trail (PCI DSS 10.2.2: who, what, when, result, origin, resource). Append-only: the
    // database itself refuses to change or remove a record, whatever the code above it does.
    await runner.query(`
      CREATE TABLE audit_log (
        id       uuid PRIMARY KEY,
        at       timestamptz(3) NOT NULL DEFAULT now(),
        actor    uuid,
        action   text  NOT NULL,
        resource text,
        result   text  NOT NULL CHECK (result IN ('SUCCESS', 'FAILURE')),
        origin   text,
        detail   jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await runner.query('CREATE INDEX audit_log_newest ON audit_log (at DESC, id DESC)');
    await runner.query('CREATE INDEX audit_log_actor_newest ON audit_log (actor, at DESC, id DESC)');
    await runner.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await runner.query(`
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await runner.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE audit_log');
    await runner.query('DROP FUNCTION audit_log_append_only()');
    await runner.query('DROP TABLE vpas');
    await runner.query('DROP TABLE users');
  }
}
