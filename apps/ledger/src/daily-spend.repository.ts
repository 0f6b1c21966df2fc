import { Injectable } from '@nestjs/common';
import { Database } from '@app/platform';

export interface DailySpend {
  vpa: string;
  /** An India calendar day, YYYY-MM-DD. */
  day: string;
  amountPaise: number;
}

/**
 * The daily_spend table: what each payer has held or posted on each India day. Its rows change only
 * while their payer's account is locked, so reading them under that lock is consistent.
 */
@Injectable()
export class DailySpendRepository {
  constructor(private readonly db: Database) {}

  async find(keys: Array<Pick<DailySpend, 'vpa' | 'day'>>): Promise<DailySpend[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.query<{ vpa: string; day: string; amount_paise: string }>(
      `SELECT s.vpa, s.day::text AS day, s.amount_paise
         FROM daily_spend s JOIN unnest($1::text[], $2::date[]) AS k (vpa, day) ON s.vpa = k.vpa AND s.day = k.day`,
      [keys.map((k) => k.vpa), keys.map((k) => k.day)],
    );
    return rows.map((row) => ({ vpa: row.vpa, day: row.day, amountPaise: Number(row.amount_paise) }));
  }

  async save(spends: DailySpend[]): Promise<void> {
    if (spends.length === 0) return;
    await this.db.query(
      `INSERT INTO daily_spend (vpa, day, amount_paise) SELECT * FROM unnest($1::text[], $2::date[], $3::bigint[])
       ON CONFLICT (vpa, day) DO UPDATE SET amount_paise = excluded.amount_paise`,
      [spends.map((s) => s.vpa), spends.map((s) => s.day), spends.map((s) => s.amountPaise)],
    );
  }
}
