import { MigrationInterface, QueryRunner } from 'typeorm';

export class Analytics1763700000100 implements MigrationInterface {
  name = 'Analytics1763700000100';

  async up(runner: QueryRunner): Promise<void> {
    // Every lifecycle event this service has seen, as it arrived (the inbox already dedupes ids).
    await runner.query(`
      CREATE TABLE lifecycle_events (
        event_id       uuid PRIMARY KEY,
        payment_id     uuid        NOT NULL,
        type           text        NOT NULL,
        schema_version int         NOT NULL,
        occurred_at    timestamptz NOT NULL,
        producer       text        NOT NULL,
        payload        jsonb       NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now()
      )`);
    // One row per payment, so a payment is counted once whatever is redelivered.
    await runner.query(`
      CREATE TABLE payment_facts (
        payment_id     uuid PRIMARY KEY,
        created_at     timestamptz NOT NULL,
        status         text        NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
        failure_reason text,
        amount_paise   bigint      NOT NULL CHECK (amount_paise >= 0),
        completed_at   timestamptz,
        latency_ms     int CHECK (latency_ms >= 0),
        CHECK ((status = 'FAILED') = (failure_reason IS NOT NULL)),
        CHECK ((status = 'PENDING') = (completed_at IS NULL)),
        CHECK ((status = 'PENDING') = (latency_ms IS NULL))
      )`);
    await runner.query('CREATE INDEX payment_facts_created_at ON payment_facts (created_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE payment_facts');
    await runner.query('DROP TABLE lifecycle_events');
  }
}
