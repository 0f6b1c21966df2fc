import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whose a notification is: the user who held the recipient VPA when the payment was made (from the
 * payment event's payerUserId / payeeUserId). Null where the event did not say (payment events v1,
 * or a VPA linked to no one): such notifications are seen by operators only.
 */
export class RecipientUser1764700000100 implements MigrationInterface {
  name = 'RecipientUser1764700000100';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE notifications ADD COLUMN recipient_user_id uuid');
    await runner.query(
      `CREATE INDEX notifications_recipient_user_newest ON notifications (recipient_user_id, created_at DESC, id DESC)
        WHERE recipient_user_id IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX notifications_recipient_user_newest');
    await runner.query('ALTER TABLE notifications DROP COLUMN recipient_user_id');
  }
}
