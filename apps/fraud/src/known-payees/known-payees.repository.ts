import { Injectable } from '@nestjs/common';
import { Database, valuesList } from '@app/platform';

/** A payer's first successful payment to a payee (VPAs normalised; the time as the event carried it). */
export interface KnownPayee {
  payerVpa: string;
  payeeVpa: string;
  firstPaidAt: string;
}

/** The known_payees table: pairs with at least one succeeded payment. */
@Injectable()
export class KnownPayeesRepository {
  constructor(private readonly db: Database) {}

  /** Which of these (payer, payee) pairs have paid successfully before, as "payer payee" strings. */
  async among(pairs: Array<[payerVpa: string, payeeVpa: string]>): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const rows = await this.db.query<{ payer_vpa: string; payee_vpa: string }>(
      `SELECT payer_vpa, payee_vpa FROM known_payees
        WHERE (payer_vpa, payee_vpa) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [pairs.map(([payer]) => payer), pairs.map(([, payee]) => payee)],
    );
    return new Set(rows.map((row) => `${row.payer_vpa} ${row.payee_vpa}`));
  }

  /** Remembers that these payers have paid these payees successfully; later successes change nothing. */
  async record(payees: KnownPayee[]): Promise<void> {
    if (payees.length === 0) return;
    const { sql, params } = valuesList(payees.map((p) => [p.payerVpa, p.payeeVpa, p.firstPaidAt]));
    await this.db.query(
      `INSERT INTO known_payees (payer_vpa, payee_vpa, first_paid_at)
       SELECT v.payer_vpa, v.payee_vpa, v.first_paid_at::timestamptz FROM (VALUES ${sql}) AS v (payer_vpa, payee_vpa, first_paid_at)
       ON CONFLICT (payer_vpa, payee_vpa) DO NOTHING`,
      params,
    );
  }
}
