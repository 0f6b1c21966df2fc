import { Injectable } from '@nestjs/common';
import { Database } from '@app/platform';
import { Deregistration, VpaFact } from '@app/contracts';

/**
 * The vpa_holders table: who holds which VPA, as this service has learnt it from the users
 * service's events. A row is the newest fact about its VPA; an unlinked VPA keeps its row.
 */
@Injectable()
export class VpaHoldersRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores facts (at most one per VPA), each only where it is newer than the stored one: the rule
   * of `supersedes`, in SQL. A redelivered or older fact changes nothing.
   */
  async record(facts: VpaFact[]): Promise<void> {
    if (facts.length === 0) return;
    await this.db.query(
      `INSERT INTO vpa_holders AS h (vpa, user_id, linked, as_of)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::boolean[], $4::timestamptz[])
       ON CONFLICT (vpa) DO UPDATE SET user_id = excluded.user_id, linked = excluded.linked, as_of = excluded.as_of
        WHERE excluded.as_of > h.as_of
           OR (excluded.as_of = h.as_of AND excluded.linked <> h.linked
               AND CASE WHEN excluded.user_id = h.user_id THEN NOT excluded.linked ELSE excluded.linked END)`,
      [facts.map((f) => f.vpa), facts.map((f) => f.userId), facts.map((f) => f.linked), facts.map((f) => new Date(f.at).toISOString())],
    );
  }

  /** Every VPA still linked to a de-registered user, linked before (or as) they left, is theirs no more. */
  async release(deregistrations: Deregistration[]): Promise<void> {
    if (deregistrations.length === 0) return;
    await this.db.query(
      `UPDATE vpa_holders h SET linked = false, as_of = d.at
         FROM unnest($1::uuid[], $2::timestamptz[]) AS d (user_id, at)
        WHERE h.user_id = d.user_id AND h.linked AND h.as_of <= d.at`,
      [deregistrations.map((d) => d.userId), deregistrations.map((d) => new Date(d.at).toISOString())],
    );
  }

  /** The user holding each of these (lowercase) VPAs now; a VPA nobody holds is absent. */
  async holdersOf(vpas: string[]): Promise<Map<string, string>> {
    if (vpas.length === 0) return new Map();
    const rows = await this.db.query<{ vpa: string; user_id: string }>(
      'SELECT vpa, user_id FROM vpa_holders WHERE vpa = ANY($1::text[]) AND linked',
      [[...new Set(vpas)]],
    );
    return new Map(rows.map((row) => [row.vpa, row.user_id]));
  }
}
