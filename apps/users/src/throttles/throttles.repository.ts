import { Injectable } from '@nestjs/common';
import { Database } from '@app/platform';

/** A key's count in its current window, and the seconds until that window ends. */
export interface ThrottleCount {
  hits: number;
  remainingS: number;
}

interface CountRow {
  hits: number;
  remaining_s: string;
}

const toCount = (row: CountRow): ThrottleCount => ({ hits: row.hits, remainingS: Math.max(0, Number(row.remaining_s)) });

/**
 * The throttles table: hits per key in a fixed window that starts with the first hit, on the
 * database clock, so every instance of the service counts together. One statement per hit: two
 * concurrent hits of one key are counted one after the other on its row lock.
 */
@Injectable()
export class ThrottlesRepository {
  constructor(private readonly db: Database) {}

  /** Counts one hit of `key` (a new window of `windowS` when the last one has ended). */
  async hit(key: string, windowS: number): Promise<ThrottleCount> {
    const [row] = await this.db.query<CountRow>(
      `INSERT INTO throttles AS t (key, window_start, window_end, hits)
       VALUES ($1, now(), now() + make_interval(secs => $2), 1)
       ON CONFLICT (key) DO UPDATE SET
         hits         = CASE WHEN t.window_end <= now() THEN 1 ELSE t.hits + 1 END,
         window_start = CASE WHEN t.window_end <= now() THEN now() ELSE t.window_start END,
         window_end   = CASE WHEN t.window_end <= now() THEN now() + make_interval(secs => $2) ELSE t.window_end END
       RETURNING hits, EXTRACT(EPOCH FROM window_end - now()) AS remaining_s`,
      [key, windowS],
    );
    return toCount(row);
  }

  /** The count of `key` in a window that has not ended yet, or null. */
  async peek(key: string): Promise<ThrottleCount | null> {
    const [row] = await this.db.query<CountRow>(
      'SELECT hits, EXTRACT(EPOCH FROM window_end - now()) AS remaining_s FROM throttles WHERE key = $1 AND window_end > now()',
      [key],
    );
    return row ? toCount(row) : null;
  }

  async clear(key: string): Promise<void> {
    await this.db.query('DELETE FROM throttles WHERE key = $1', [key]);
  }

  /** Forgets up to `limit` windows that have ended; returns how many. */
  purgeEnded(limit: number): Promise<number> {
    return this.db.execute(
      'DELETE FROM throttles WHERE key IN (SELECT key FROM throttles WHERE window_end < now() ORDER BY window_end LIMIT $1)',
      [limit],
    );
  }
}
