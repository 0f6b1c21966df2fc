import { AccountBalances, availableOf, balanceOf } from '../account';

/** A transfer between the bank (outside the customers' accounts) and one account. */
export type TransferKind = 'DEPOSIT' | 'WITHDRAWAL';

export interface PastTransfer {
  kind: TransferKind;
  amountPaise: number;
}

export type TransferDecision =
  | { outcome: 'REPEAT' }
  | { outcome: 'REFUSE'; code: 'TRANSFER.REFERENCE_REUSED' | 'ACCOUNT.CLOSED' | 'FUNDS.INSUFFICIENT'; message: string }
  | { outcome: 'MOVE'; account: AccountBalances; balanceAfter: number };

/**
 * An operator's deposit or withdrawal. A reference already used on the account is the same
 * request again when it is the same kind and amount (nothing moves), and a mistake otherwise.
 * Money may not enter a closed account, but may leave it; never more than is available.
 */
export function decideTransfer(
  kind: TransferKind,
  amountPaise: number,
  account: AccountBalances,
  past: PastTransfer | null,
): TransferDecision {
  if (past) {
    if (past.kind === kind && past.amountPaise === amountPaise) return { outcome: 'REPEAT' };
    return {
      outcome: 'REFUSE',
      code: 'TRANSFER.REFERENCE_REUSED',
      message: `reference already used on ${account.vpa} for another ${past.kind === kind ? 'amount' : 'kind of transfer'}`,
    };
  }
  if (kind === 'DEPOSIT') {
    if (account.status !== 'OPEN') return { outcome: 'REFUSE', code: 'ACCOUNT.CLOSED', message: `${account.vpa} is closed` };
    const credited = { ...account, creditsPosted: account.creditsPosted + amountPaise };
    return { outcome: 'MOVE', account: credited, balanceAfter: balanceOf(credited) };
  }
  if (availableOf(account) < amountPaise) {
    return { outcome: 'REFUSE', code: 'FUNDS.INSUFFICIENT', message: `${account.vpa} has less available than the amount` };
  }
  const debited = { ...account, debitsPosted: account.debitsPosted + amountPaise };
  return { outcome: 'MOVE', account: debited, balanceAfter: balanceOf(debited) };
}
