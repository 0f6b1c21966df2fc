import { Injectable } from '@nestjs/common';
import { formatPaise } from '@app/contracts';
import { Database } from '@app/platform';
import { DEBIT_KINDS } from '../entry';

interface ReconciliationRow {
  total_balance: string;
  total_held: string;
  total_deposits: string;
  total_withdrawals: string;
  negative_accounts: string[];
  unbalanced_accounts: string[];
  orphan_holds: string[];
}

/**
 * The invariants of money.md, checked on the ledger's own data in ONE read-only statement: one
 * snapshot, so a payment posted while it runs is counted entirely or not at all.
 */
const RECONCILIATION = `
  WITH acc AS (SELECT vpa, credits_posted - debits_posted AS balance, debits_pending AS held FROM accounts),
       journal AS (
         SELECT vpa,
                sum(CASE WHEN kind = ANY($1::text[]) THEN -amount_paise ELSE amount_paise END) AS net,
                sum(amount_paise) FILTER (WHERE kind = 'DEPOSIT') AS deposits,
                sum(amount_paise) FILTER (WHERE kind = 'WITHDRAWAL') AS withdrawals
           FROM entries GROUP BY vpa),
       pending AS (SELECT payer_vpa AS vpa, sum(amount_paise) AS held FROM holds WHERE status = 'PENDING' GROUP BY payer_vpa)
  SELECT (SELECT coalesce(sum(balance), 0) FROM acc)::text AS total_balance,
         (SELECT coalesce(sum(held), 0) FROM acc)::text AS total_held,
         (SELECT coalesce(sum(deposits), 0) FROM journal)::text AS total_deposits,
         (SELECT coalesce(sum(withdrawals), 0) FROM journal)::text AS total_withdrawals,
         (SELECT coalesce(array_agg(vpa ORDER BY vpa), '{}') FROM acc WHERE balance < 0 OR balance - held < 0) AS negative_accounts,
         (SELECT coalesce(array_agg(vpa ORDER BY vpa), '{}') FROM acc FULL JOIN journal USING (vpa)
           WHERE coalesce(acc.balance, 0) <> coalesce(journal.net, 0)) AS unbalanced_accounts,
         (SELECT coalesce(array_agg(o.id ORDER BY o.id), '{}') FROM (
            SELECT acc.vpa AS id FROM acc LEFT JOIN pending USING (vpa) WHERE acc.held <> coalesce(pending.held, 0)
            UNION ALL
            SELECT h.id::text FROM holds h WHERE h.status = 'PENDING' AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.vpa = h.payer_vpa)
          ) o) AS orphan_holds`;

@Injectable()
export class ReconciliationService {
  constructor(private readonly db: Database) {}

  /**
   * `conserved`: the sum of all balances is all deposits less all withdrawals, and every account's
   * balance is what its journal entries add up to. `orphanHolds`: accounts whose held amount is not
   * the sum of their pending holds, and pending holds (payment or refund ids) without an account.
   */
  async check() {
    const [row] = await this.db.query<ReconciliationRow>(RECONCILIATION, [DEBIT_KINDS]);
    const [balance, held, deposits, withdrawals] = [row.total_balance, row.total_held, row.total_deposits, row.total_withdrawals].map(
      Number,
    );
    return {
      conserved: balance === deposits - withdrawals && row.unbalanced_accounts.length === 0,
      totalBalance: formatPaise(balance),
      totalDeposits: formatPaise(deposits),
      totalWithdrawals: formatPaise(withdrawals),
      totalHeld: formatPaise(held),
      negativeAccounts: row.negative_accounts,
      orphanHolds: row.orphan_holds,
    };
  }
}
