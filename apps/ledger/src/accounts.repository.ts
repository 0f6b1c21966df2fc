import { Injectable } from '@nestjs/common';
import { Deregistration, VpaFact } from '@app/contracts';
import { Database } from '@app/platform';
import { Account, AccountBalances, AccountStatus } from './account';

interface AccountRow {
  vpa: string;
  user_id: string;
  status: AccountStatus;
  credits_posted: string; // bigint comes back as a string
  debits_posted: string;
  debits_pending: string;
}

const COLUMNS = 'vpa, user_id, status, credits_posted, debits_posted, debits_pending';

/** The accounts table: one per VPA the users service ever linked (or unlinked). */
@Injectable()
export class AccountsRepository {
  constructor(private readonly db: Database) {}

  async find(vpa: string): Promise<Account | null> {
    const [row] = await this.db.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE vpa = $1`, [vpa]);
    return row ? toAccount(row) : null;
  }

  /**
   * Locks accounts until the transaction ends, in ONE statement, in vpa order: these VPAs' and
   * every account of `userIds`. Everything that changes accounts locks them through here first, so
   * two transactions never hold some of each other's accounts and wait for the rest (no deadlocks).
   * Unknown VPAs are absent.
   */
  async lock(vpas: string[], userIds: string[] = []): Promise<Account[]> {
    if (vpas.length === 0 && userIds.length === 0) return [];
    const rows = await this.db.query<AccountRow>(
      `SELECT ${COLUMNS} FROM accounts WHERE vpa = ANY($1::text[]) OR user_id = ANY($2::uuid[]) ORDER BY vpa FOR UPDATE`,
      [[...new Set(vpas)], [...new Set(userIds)]],
    );
    return rows.map(toAccount);
  }

  /** Stores the balances of locked accounts, one statement for all. */
  async saveBalances(accounts: AccountBalances[]): Promise<void> {
    if (accounts.length === 0) return;
    await this.db.query(
      `UPDATE accounts a SET credits_posted = v.credits, debits_posted = v.debits, debits_pending = v.pending
         FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) AS v (vpa, credits, debits, pending)
        WHERE a.vpa = v.vpa`,
      [
        accounts.map((a) => a.vpa),
        accounts.map((a) => a.creditsPosted),
        accounts.map((a) => a.debitsPosted),
        accounts.map((a) => a.debitsPending),
      ],
    );
  }

  /**
   * Opens (linked) or closes (unlinked) accounts from the users service's facts, at most one per
   * VPA, each only where it is newer than the account's last fact: the rule of `supersedes`, in SQL,
   * so the order facts arrive in does not matter. A link opens a new account with a zero balance,
   * or reopens a closed one for the linking user (for another user only if it never held money);
   * an unlink of an unknown VPA leaves a CLOSED account, so that an older link arriving later does
   * not open it. Balances never change here.
   */
  async record(facts: VpaFact[]): Promise<void> {
    if (facts.length === 0) return;
    const sorted = [...facts].sort((a, b) => (a.vpa < b.vpa ? -1 : a.vpa > b.vpa ? 1 : 0));
    await this.db.query(
      `INSERT INTO accounts AS a (vpa, user_id, status, as_of, opened_at, closed_at)
       SELECT v.vpa, v.user_id, CASE WHEN v.linked THEN 'OPEN' ELSE 'CLOSED' END, v.at, v.at, CASE WHEN v.linked THEN NULL ELSE v.at END
         FROM unnest($1::text[], $2::uuid[], $3::boolean[], $4::timestamptz[]) WITH ORDINALITY AS v (vpa, user_id, linked, at, n)
        ORDER BY v.n
       ON CONFLICT (vpa) DO UPDATE
          SET user_id = excluded.user_id, status = excluded.status, as_of = excluded.as_of,
              opened_at = CASE WHEN excluded.status = 'OPEN' AND a.status = 'CLOSED' THEN excluded.opened_at ELSE a.opened_at END,
              closed_at = CASE WHEN excluded.status = 'OPEN' THEN NULL WHEN a.status = 'CLOSED' THEN a.closed_at ELSE excluded.closed_at END
        WHERE (excluded.as_of > a.as_of
               OR (excluded.as_of = a.as_of AND excluded.status <> a.status
                   AND CASE WHEN excluded.user_id = a.user_id THEN excluded.status = 'CLOSED' ELSE excluded.status = 'OPEN' END))
          -- An account that ever held money stays its holder's: another user who links the VPA later
          -- gets neither its balance nor its statement (the account stays closed, its VPA unusable for money).
          AND (excluded.user_id = a.user_id OR a.credits_posted = 0)`,
      [sorted.map((f) => f.vpa), sorted.map((f) => f.userId), sorted.map((f) => f.linked), sorted.map((f) => new Date(f.at).toISOString())],
    );
  }

  /** Closes every account still open for a de-registered user, opened before (or as) they left. */
  async closeOfUsers(deregistrations: Deregistration[]): Promise<void> {
    if (deregistrations.length === 0) return;
    await this.db.query(
      `UPDATE accounts a SET status = 'CLOSED', as_of = d.at, closed_at = d.at
         FROM unnest($1::uuid[], $2::timestamptz[]) AS d (user_id, at)
        WHERE a.user_id = d.user_id AND a.status = 'OPEN' AND a.as_of <= d.at`,
      [deregistrations.map((d) => d.userId), deregistrations.map((d) => new Date(d.at).toISOString())],
    );
  }
}

function toAccount(row: AccountRow): Account {
  return {
    vpa: row.vpa,
    userId: row.user_id,
    status: row.status,
    creditsPosted: Number(row.credits_posted),
    debitsPosted: Number(row.debits_posted),
    debitsPending: Number(row.debits_pending),
  };
}
