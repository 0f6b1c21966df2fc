import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The messaging tables every service has in its own schema:
 * - outbox: events written in the same transaction as the change they announce, published by the relay;
 * - processed_events: the ids of events this service has applied (its inbox), written in the same
 *   transaction as the effect, so a redelivered event changes nothing.
 */
export class MessagingTables1763700000000 implements MigrationInterface {
  name = 'MessagingTables1763700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE outbox (
        id          bigserial PRIMARY KEY,
        event_id    uuid        NOT NULL,
        event_type  text        NOT NULL,
        topic       text        NOT NULL,
        message_key text        NOT NULL,
        value       text        NOT NULL,
        headers     jsonb       NOT NULL DEFAULT '{}'::jsonb,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE processed_events (
        event_id     uuid PRIMARY KEY,
        event_type   text        NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE processed_events');
    await runner.query('DROP TABLE outbox');
  }
}

/** The inbox is purged by age (see InboxPurger). */
export class InboxRetention1763700000900 implements MigrationInterface {
  name = 'InboxRetention1763700000900';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE INDEX processed_events_processed_at ON processed_events (processed_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX processed_events_processed_at');
  }
}

/** The messaging tables' migrations, in order: every service runs them before its own. */
export const MESSAGING_MIGRATIONS = [MessagingTables1763700000000, InboxRetention1763700000900];
