import { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1763700000100 implements MigrationInterface {
  name = 'Notifications1763700000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE notifications (
        id            uuid PRIMARY KEY,
        payment_id    uuid        NOT NULL,
        recipient_vpa text        NOT NULL,
        type          text        NOT NULL CHECK (type IN ('PAYMENT_SENT', 'PAYMENT_RECEIVED', 'PAYMENT_FAILED')),
        message       text        NOT NULL,
        -- millisecond precision: the list cursor carries a JavaScript time, so the key must match it exactly
        created_at    timestamptz(3) NOT NULL DEFAULT now(),
        -- exactly one notification per (payment, recipient, type), whatever is redelivered
        UNIQUE (payment_id, recipient_vpa, type)
      )`);
    await runner.query('CREATE INDEX notifications_recipient_newest ON notifications (recipient_vpa, created_at DESC, id DESC)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE notifications');
  }
}
