import { formatPaise } from '@app/contracts';

export const AccountStatuses = ['OPEN', 'CLOSED'] as const;
export type AccountStatus = (typeof AccountStatuses)[number];

/**
 * A VPA's account, TigerBeetle's way: what was posted to it (credits), posted from it (debits) and
 * is held for pending payments (pending debits). Balance = credits − debits; available = balance − held.
 */
export interface AccountBalances {
  vpa: string;
  status: AccountStatus;
  creditsPosted: number;
  debitsPosted: number;
  debitsPending: number;
}

export interface Account extends AccountBalances {
  userId: string;
}

export const balanceOf = (a: AccountBalances) => a.creditsPosted - a.debitsPosted;
export const availableOf = (a: AccountBalances) => balanceOf(a) - a.debitsPending;

export interface AccountView {
  vpa: string;
  currency: 'INR';
  balance: string;
  held: string;
  available: string;
  status: AccountStatus;
  dailyLimit: string;
  spentToday: string;
}

export function toAccountView(account: AccountBalances, dailyLimitPaise: number, spentTodayPaise: number): AccountView {
  return {
    vpa: account.vpa,
    currency: 'INR',
    balance: formatPaise(balanceOf(account)),
    held: formatPaise(account.debitsPending),
    available: formatPaise(availableOf(account)),
    status: account.status,
    dailyLimit: formatPaise(dailyLimitPaise),
    spentToday: formatPaise(spentTodayPaise),
  };
}
