import { Injectable } from '@nestjs/common';
import { Database } from '@app/platform';
import { DisputeComment, DisputeRole } from './dispute';

interface CommentRow {
  id: string;
  dispute_id: string;
  author_user_id: string;
  author_role: DisputeRole;
  text: string;
  created_at: Date;
}

/** The comments on disputes: append-only (the dispute_comments_append_only trigger refuses UPDATE and DELETE). */
@Injectable()
export class DisputeCommentsRepository {
  constructor(private readonly db: Database) {}

  async add(c: DisputeComment): Promise<void> {
    await this.db.query(
      'INSERT INTO dispute_comments (id, dispute_id, author_user_id, author_role, text, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [c.id, c.disputeId, c.authorUserId, c.authorRole, c.text, c.createdAt],
    );
  }

  /** A dispute's comments, oldest first. */
  async of(disputeId: string): Promise<DisputeComment[]> {
    const rows = await this.db.query<CommentRow>(
      `SELECT id, dispute_id, author_user_id, author_role, text, created_at FROM dispute_comments
        WHERE dispute_id = $1 ORDER BY created_at, id`,
      [disputeId],
    );
    return rows.map((row) => ({
      id: row.id,
      disputeId: row.dispute_id,
      authorUserId: row.author_user_id,
      authorRole: row.author_role,
      text: row.text,
      createdAt: row.created_at,
    }));
  }
}
