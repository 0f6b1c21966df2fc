import { Injectable } from '@nestjs/common';
import { normalizeVpa, PayloadOf } from '@app/contracts';
import { valuesList } from '@app/platform';
import { EntityManager } from 'typeorm';

@Injectable()
export class KnownPayeesService {
  /** Which of these (payer, payee) pairs have paid successfully before, as "payer payee" strings. */
  async among(tx: EntityManager, pairs: Array<[payerVpa: string, payeeVpa: string]>): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const rows: Array<{ payer_vpa: string; payee_vpa: string }> = await tx.query(
      `SELECT payer_vpa, payee_vpa FROM known_payees
        WHERE (payer_vpa, payee_vpa) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [pairs.map(([payer]) => payer), pairs.map(([, payee]) => payee)],
    );
    return new Set(rows.map((row) => `${row.payer_vpa} ${row.payee_vpa}`));
  }

  /** Remembers that these payers have paid these payees successfully; later successes change nothing. */
  async record(tx: EntityManager, payments: Array<PayloadOf<'PaymentSucceeded'>>): Promise<void> {
    if (payments.length === 0) return;
    const { sql, params } = valuesList(payments.map((p) => [normalizeVpa(p.payerVpa), normalizeVpa(p.payeeVpa), p.completedAt]));
    await tx.query(
      `INSERT INTO known_payees (payer_vpa, payee_vpa, first_paid_at)
       SELECT v.payer_vpa, v.payee_vpa, v.first_paid_at::timestamptz FROM (VALUES ${sql}) AS v (payer_vpa, payee_vpa, first_paid_at)
       ON CONFLICT (payer_vpa, payee_vpa) DO NOTHING`,
      params,
    );
  }
}
