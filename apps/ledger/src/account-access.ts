import { Injectable } from '@nestjs/common';
import { Caller } from '@app/auth';
import { notFound } from '@app/platform';
import { Account } from './account';
import { AccountsRepository } from './accounts.repository';

/** Who may read an account: its user and operators. Anyone else gets the 404 of an unknown VPA. */
@Injectable()
export class AccountAccess {
  constructor(private readonly accounts: AccountsRepository) {}

  async readable(vpa: string, caller: Caller): Promise<Account> {
    const account = await this.accounts.find(vpa);
    if (!account || (!caller.isOperator && account.userId !== caller.userId)) {
      throw notFound('ACCOUNT.NOT_FOUND', `no account of yours for ${vpa}`);
    }
    return account;
  }
}
