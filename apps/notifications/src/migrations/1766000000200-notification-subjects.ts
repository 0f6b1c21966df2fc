import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds and disputes (disputes.md): a payment can now have several refunds and several
 * comments, each told to its recipients once, so the natural key grows a subject: the payment
 * itself (its id, for the payment notifications; existing rows get it, so their old key still
 * holds), a refund, a dispute or a comment. `refund_id` / `dispute_id` say which, for readers.
 * A notification for operators (an escalated dispute) or for the user who asked for a refund that
 * failed belongs to no VPA: `recipient_vpa` may be null, and nulls are equal in the key, so such a
 * notification is stored once too.
 */
export class NotificationSubjects1766000000200 implements MigrationInterface {
  name = 'NotificationSubjects1766000000200';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE notifications ADD COLUMN subject_id uuid, ADD COLUMN refund_id uuid, ADD COLUMN dispute_id uuid');
    await runner.query('UPDATE notifications SET subject_id = payment_id');
    await runner.query('ALTER TABLE notifications ALTER COLUMN subject_id SET NOT NULL, ALTER COLUMN recipient_vpa DROP NOT NULL');
    await runner.query(
      `ALTER TABLE notifications DROP CONSTRAINT notifications_type_check,
         ADD CONSTRAINT notifications_type_check CHECK (type IN (
           'PAYMENT_SENT', 'PAYMENT_RECEIVED', 'PAYMENT_FAILED', 'REFUND_SENT', 'REFUND_RECEIVED', 'REFUND_FAILED',
           'DISPUTE_OPENED', 'DISPUTE_COMMENTED', 'DISPUTE_ESCALATED', 'DISPUTE_RESOLVED'))`,
    );
    await runner.query(
      `ALTER TABLE notifications DROP CONSTRAINT notifications_payment_id_recipient_vpa_type_key,
         ADD CONSTRAINT notifications_once UNIQUE NULLS NOT DISTINCT (payment_id, subject_id, recipient_vpa, type)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    // Only the payment notifications fit the old table.
    await runner.query(`DELETE FROM notifications WHERE type NOT IN ('PAYMENT_SENT', 'PAYMENT_RECEIVED', 'PAYMENT_FAILED')`);
    await runner.query(
      `ALTER TABLE notifications DROP CONSTRAINT notifications_once,
         ADD CONSTRAINT notifications_payment_id_recipient_vpa_type_key UNIQUE (payment_id, recipient_vpa, type)`,
    );
    await runner.query(
      `ALTER TABLE notifications DROP CONSTRAINT notifications_type_check,
         ADD CONSTRAINT notifications_type_check CHECK (type IN ('PAYMENT_SENT', 'PAYMENT_RECEIVED', 'PAYMENT_FAILED'))`,
    );
    await runner.query('ALTER TABLE notifications ALTER COLUMN recipient_vpa SET NOT NULL');
    await runner.query('ALTER TABLE notifications DROP COLUMN subject_id, DROP COLUMN refund_id, DROP COLUMN dispute_id');
  }
}
