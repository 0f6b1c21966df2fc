import { Injectable } from '@nestjs/common';
import { Database } from '@app/platform';
import { LinkedVpa } from './user';

/**
 * The vpas table: every link a VPA ever had; the linked ones have no unlinked_at. VPAs are lowercase
 * here. (An UPDATE ... RETURNING is wrapped in a CTE: the driver answers a bare UPDATE with
 * `[rows, count]`, a SELECT with its rows.)
 */
@Injectable()
export class VpasRepository {
  constructor(private readonly db: Database) {}

  async isLinked(vpa: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM vpas WHERE vpa = $1 AND unlinked_at IS NULL', [vpa]);
    return rows.length > 0;
  }

  async linkedTo(userId: string): Promise<LinkedVpa[]> {
    const rows = await this.db.query<{ vpa: string; linked_at: Date }>(
      'SELECT vpa, linked_at FROM vpas WHERE user_id = $1 AND unlinked_at IS NULL ORDER BY linked_at, id',
      [userId],
    );
    return rows.map((row) => ({ vpa: row.vpa, linkedAt: row.linked_at }));
  }

  /**
   * Links the VPA to the user unless it is linked to anyone; null if it is. The unique index
   * decides between concurrent links of one VPA: the second waits for the first and then finds it.
   */
  async linkIfFree(userId: string, vpa: string): Promise<LinkedVpa | null> {
    const [row] = await this.db.query<{ vpa: string; linked_at: Date }>(
      `INSERT INTO vpas (vpa, user_id) VALUES ($1, $2)
       ON CONFLICT (vpa) WHERE unlinked_at IS NULL DO NOTHING
       RETURNING vpa, linked_at`,
      [vpa, userId],
    );
    return row ? { vpa: row.vpa, linkedAt: row.linked_at } : null;
  }

  /** Unlinks the VPA if it is linked to this user; returns when, or null. */
  async unlink(userId: string, vpa: string): Promise<Date | null> {
    const [row] = await this.db.query<{ unlinked_at: Date }>(
      `WITH unlinked AS (
         UPDATE vpas SET unlinked_at = now() WHERE vpa = $1 AND user_id = $2 AND unlinked_at IS NULL RETURNING unlinked_at)
       SELECT unlinked_at FROM unlinked`,
      [vpa, userId],
    );
    return row?.unlinked_at ?? null;
  }

  /** Unlinks every VPA of the user, oldest link first. */
  async unlinkAll(userId: string): Promise<Array<{ vpa: string; unlinkedAt: Date }>> {
    const rows = await this.db.query<{ vpa: string; unlinked_at: Date }>(
      `WITH unlinked AS (
         UPDATE vpas SET unlinked_at = now() WHERE user_id = $1 AND unlinked_at IS NULL RETURNING id, vpa, unlinked_at)
       SELECT vpa, unlinked_at FROM unlinked ORDER BY id`,
      [userId],
    );
    return rows.map((row) => ({ vpa: row.vpa, unlinkedAt: row.unlinked_at }));
  }

  /** The name of the registered user a VPA is linked to, or null. */
  async holderName(vpa: string): Promise<string | null> {
    const [row] = await this.db.query<{ name: string }>(
      `SELECT u.name FROM vpas v JOIN users u ON u.id = v.user_id
        WHERE v.vpa = $1 AND v.unlinked_at IS NULL AND u.deregistered_at IS NULL`,
      [vpa],
    );
    return row?.name ?? null;
  }
}
