import { call, outcomeOf } from './client';
import { Person } from './identities';
import { RunningSystem } from './system';

/** GET /v1/ledger/reconciliation (money.md): the invariants, checked by the ledger on its own data. */
export interface Reconciliation {
  conserved: boolean;
  totalBalance: string;
  totalDeposits: string;
  totalWithdrawals: string;
  totalHeld: string;
  negativeAccounts: unknown[];
  orphanHolds: unknown[];
}

export async function reconciliation(system: RunningSystem, operator: Person, ledgerUrl = system.urls.ledger): Promise<Reconciliation> {
  const answer = await call('GET', `${ledgerUrl}/v1/ledger/reconciliation`, { token: operator.token });
  if (answer.status !== 200) throw new Error(`GET /v1/ledger/reconciliation: ${outcomeOf(answer)}`);
  return answer.body as Reconciliation;
}

/**
 * Money is neither created nor lost (money.md, invariants 1, 2 and 4): the balances add up to the
 * deposits less the withdrawals, none is negative, and every hold belongs to a pending payment.
 */
export async function expectMoneyConserved(system: RunningSystem, operator: Person): Promise<void> {
  const checked = await reconciliation(system, operator);
  expect(checked).toMatchObject({ conserved: true, negativeAccounts: [], orphanHolds: [] });
}
