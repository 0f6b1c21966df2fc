import { MigrationInterface, QueryRunner } from 'typeorm';

const FINAL = `'RESOLVED_FOR_PAYER', 'RESOLVED_FOR_PAYEE', 'WITHDRAWN'`;
const RESOLVED = `'RESOLVED_FOR_PAYER', 'RESOLVED_FOR_PAYEE'`;

/**
 * The payments this service has learnt of (a projection of the payment events), their refunds, and
 * the disputes with their history and comments. The database itself refuses what must never happen,
 * whatever the code above it does: a dispute status moving other than forward along the diagram of
 * disputes.md, a final dispute or a dispute's facts changing (trigger), a second dispute that is
 * not final on one payment (partial unique index), a history or a comment changed or deleted
 * (trigger), and a payment's or a refund's final status going back (trigger).
 */
export class Disputes1766000000100 implements MigrationInterface {
  name = 'Disputes1766000000100';

  async up(runner: QueryRunner): Promise<void> {
    // What the payment events say of a payment: its parties, amount, status and completion.
    await runner.query(`
      CREATE TABLE payments (
        id            uuid PRIMARY KEY,
        payer_vpa     text           NOT NULL,
        payee_vpa     text           NOT NULL,
        payer_user_id uuid,
        payee_user_id uuid,
        amount_paise  bigint         NOT NULL CHECK (amount_paise >= 0),
        status        text           NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
        created_at    timestamptz(3) NOT NULL,
        completed_at  timestamptz(3) CHECK ((status = 'PENDING') = (completed_at IS NULL))
      )`);
    await runner.query(`
      CREATE FUNCTION payments_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status IS DISTINCT FROM OLD.status AND NOT (OLD.status = 'PENDING' AND NEW.status IN ('SUCCEEDED', 'FAILED')) THEN
          RAISE EXCEPTION 'payment % cannot go from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query(
      `CREATE TRIGGER payments_forward_only BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION payments_forward_only()`,
    );

    // Refunds, one row each, whatever is redelivered: the refunded amount of a payment is the sum of its SUCCEEDED ones.
    await runner.query(`
      CREATE TABLE refunds (
        id             uuid PRIMARY KEY,
        payment_id     uuid           NOT NULL,
        dispute_id     uuid,
        amount_paise   bigint         NOT NULL CHECK (amount_paise >= 0),
        status         text           NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
        failure_reason text           CHECK ((status = 'FAILED') = (failure_reason IS NOT NULL)),
        requested_at   timestamptz(3) NOT NULL,
        completed_at   timestamptz(3) CHECK ((status = 'PENDING') = (completed_at IS NULL))
      )`);
    await runner.query('CREATE INDEX refunds_of_payment ON refunds (payment_id)');
    await runner.query('CREATE INDEX refunds_of_dispute ON refunds (dispute_id) WHERE dispute_id IS NOT NULL');
    await runner.query(`
      CREATE FUNCTION refunds_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status IS DISTINCT FROM OLD.status AND NOT (OLD.status = 'PENDING' AND NEW.status IN ('SUCCEEDED', 'FAILED')) THEN
          RAISE EXCEPTION 'refund % cannot go from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query(`CREATE TRIGGER refunds_forward_only BEFORE UPDATE ON refunds FOR EACH ROW EXECUTE FUNCTION refunds_forward_only()`);

    await runner.query(`
      CREATE TABLE disputes (
        id              uuid PRIMARY KEY,
        payment_id      uuid           NOT NULL REFERENCES payments (id),
        payer_vpa       text           NOT NULL,
        payee_vpa       text           NOT NULL,
        payer_user_id   uuid           NOT NULL,
        payee_user_id   uuid,
        amount_paise    bigint         NOT NULL CHECK (amount_paise > 0),
        reason          text           NOT NULL CHECK (reason IN ('NOT_RECEIVED', 'DUPLICATE', 'UNAUTHORIZED', 'OTHER')),
        description     text           NOT NULL CHECK (char_length(description) BETWEEN 1 AND 500),
        status          text           NOT NULL CHECK (status IN ('OPEN', 'UNDER_REVIEW', ${FINAL})),
        escalated_at    timestamptz(3),
        resolution_note text           CHECK (char_length(resolution_note) BETWEEN 1 AND 500),
        resolved_by     uuid,
        resolved_at     timestamptz(3),
        created_at      timestamptz(3) NOT NULL,
        updated_at      timestamptz(3) NOT NULL,
        CONSTRAINT disputes_resolution_iff_resolved CHECK (
          (status IN (${RESOLVED})) = (resolved_at IS NOT NULL)
          AND (resolved_at IS NULL) = (resolved_by IS NULL)
          AND (resolved_at IS NULL) = (resolution_note IS NULL))
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX disputes_one_open_per_payment ON disputes (payment_id) WHERE status IN ('OPEN', 'UNDER_REVIEW')`,
    );
    await runner.query('CREATE INDEX disputes_newest ON disputes (created_at, id)');
    await runner.query('CREATE INDEX disputes_of_payer ON disputes (payer_user_id, created_at, id)');
    await runner.query('CREATE INDEX disputes_of_payee ON disputes (payee_user_id, created_at, id)');
    await runner.query(`CREATE INDEX disputes_to_escalate ON disputes (created_at) WHERE status = 'OPEN' AND escalated_at IS NULL`);
    // Forward only, along the diagram of disputes.md (dispute-status.ts says the same in code).
    await runner.query(`
      CREATE FUNCTION disputes_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status IS DISTINCT FROM OLD.status
           AND NOT ((OLD.status = 'OPEN' AND NEW.status IN ('UNDER_REVIEW', 'WITHDRAWN'))
                 OR (OLD.status = 'UNDER_REVIEW' AND NEW.status IN (${FINAL}))) THEN
          RAISE EXCEPTION 'dispute % cannot go from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'check_violation';
        END IF;
        IF OLD.status IN (${FINAL}) AND NEW IS DISTINCT FROM OLD THEN
          RAISE EXCEPTION 'dispute % is % and never changes again', OLD.id, OLD.status USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.id <> OLD.id OR NEW.payment_id <> OLD.payment_id OR NEW.payer_vpa <> OLD.payer_vpa OR NEW.payee_vpa <> OLD.payee_vpa
           OR NEW.payer_user_id <> OLD.payer_user_id OR NEW.payee_user_id IS DISTINCT FROM OLD.payee_user_id
           OR NEW.amount_paise <> OLD.amount_paise OR NEW.reason <> OLD.reason OR NEW.description <> OLD.description
           OR NEW.created_at <> OLD.created_at THEN
          RAISE EXCEPTION 'dispute % cannot change what it disputes', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.escalated_at IS DISTINCT FROM OLD.escalated_at AND (OLD.escalated_at IS NOT NULL OR OLD.status <> 'OPEN') THEN
          RAISE EXCEPTION 'dispute % is escalated once, while OPEN', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query(
      `CREATE TRIGGER disputes_forward_only BEFORE UPDATE ON disputes FOR EACH ROW EXECUTE FUNCTION disputes_forward_only()`,
    );

    // Every status change of a dispute, its opening included (from NULL): who, when, from, to.
    await runner.query(`
      CREATE TABLE dispute_history (
        id          bigserial PRIMARY KEY,
        dispute_id  uuid           NOT NULL REFERENCES disputes (id),
        from_status text,
        to_status   text           NOT NULL,
        changed_by  uuid           NOT NULL,
        changed_at  timestamptz(3) NOT NULL,
        CONSTRAINT dispute_history_follows_the_diagram CHECK (
          (from_status IS NULL AND to_status = 'OPEN')
          OR (from_status = 'OPEN' AND to_status IN ('UNDER_REVIEW', 'WITHDRAWN'))
          OR (from_status = 'UNDER_REVIEW' AND to_status IN (${FINAL})))
      )`);
    await runner.query('CREATE INDEX dispute_history_of_dispute ON dispute_history (dispute_id, id)');

    await runner.query(`
      CREATE TABLE dispute_comments (
        id             uuid PRIMARY KEY,
        dispute_id     uuid           NOT NULL REFERENCES disputes (id),
        author_user_id uuid           NOT NULL,
        author_role    text           NOT NULL CHECK (author_role IN ('PAYER', 'PAYEE', 'OPERATOR')),
        text           text           NOT NULL CHECK (char_length(text) BETWEEN 1 AND 500),
        created_at     timestamptz(3) NOT NULL
      )`);
    await runner.query('CREATE INDEX dispute_comments_of_dispute ON dispute_comments (dispute_id, created_at, id)');

    await runner.query(`CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'check_violation'; END $$`);
    for (const table of ['dispute_history', 'dispute_comments']) {
      await runner.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION append_only()`,
      );
    }
    await runner.query(`CREATE TRIGGER disputes_no_delete BEFORE DELETE ON disputes FOR EACH ROW EXECUTE FUNCTION append_only()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE dispute_comments');
    await runner.query('DROP TABLE dispute_history');
    await runner.query('DROP TABLE disputes');
    await runner.query('DROP FUNCTION append_only');
    await runner.query('DROP FUNCTION disputes_forward_only');
    await runner.query('DROP TABLE refunds');
    await runner.query('DROP FUNCTION refunds_forward_only');
    await runner.query('DROP TABLE payments');
    await runner.query('DROP FUNCTION payments_forward_only');
  }
}
