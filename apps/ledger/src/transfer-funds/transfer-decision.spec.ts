import { AccountBalances } from '../account';
import { decideTransfer } from './transfer-decision';

const account = (more: Partial<AccountBalances> = {}): AccountBalances => ({
  vpa: 'alice@okbank',
  status: 'OPEN',
  creditsPosted: 100_00,
  debitsPosted: 20_00,
  debitsPending: 30_00,
  ...more,
});

describe('an operator transfer', () => {
  it('deposits into an open account', () => {
    expect(decideTransfer('DEPOSIT', 5_00, account(), null)).toEqual({
      outcome: 'MOVE',
      account: account({ creditsPosted: 105_00 }),
      balanceAfter: 85_00,
    });
  });

  it('refuses a deposit into a closed account, but lets money leave it', () => {
    const closed = account({ status: 'CLOSED' });
    expect(decideTransfer('DEPOSIT', 5_00, closed, null)).toMatchObject({ outcome: 'REFUSE', code: 'ACCOUNT.CLOSED' });
    expect(decideTransfer('WITHDRAWAL', 5_00, closed, null)).toMatchObject({ outcome: 'MOVE', balanceAfter: 75_00 });
  });

  it('withdraws at most what is available (balance − held)', () => {
    expect(decideTransfer('WITHDRAWAL', 50_00, account(), null)).toEqual({
      outcome: 'MOVE',
      account: account({ debitsPosted: 70_00 }),
      balanceAfter: 30_00,
    });
    expect(decideTransfer('WITHDRAWAL', 50_01, account(), null)).toMatchObject({ outcome: 'REFUSE', code: 'FUNDS.INSUFFICIENT' });
  });

  it('repeats a transfer with the same reference, kind and amount, and refuses the reference for anything else', () => {
    expect(decideTransfer('DEPOSIT', 5_00, account({ status: 'CLOSED' }), { kind: 'DEPOSIT', amountPaise: 5_00 })).toEqual({
      outcome: 'REPEAT',
    });
    expect(decideTransfer('DEPOSIT', 6_00, account(), { kind: 'DEPOSIT', amountPaise: 5_00 })).toMatchObject({
      outcome: 'REFUSE',
      code: 'TRANSFER.REFERENCE_REUSED',
    });
    expect(decideTransfer('WITHDRAWAL', 5_00, account(), { kind: 'DEPOSIT', amountPaise: 5_00 })).toMatchObject({
      outcome: 'REFUSE',
      code: 'TRANSFER.REFERENCE_REUSED',
    });
  });
});
