import { Inject, Injectable } from '@nestjs/common';
import { Caller } from '@app/auth';
import { AccountView, toAccountView } from '../account';
import { AccountAccess } from '../account-access';
import { LEDGER_SETTINGS, LedgerSettings } from '../config';
import { DailySpendRepository } from '../daily-spend.repository';
import { indiaDay } from '../india-day';

@Injectable()
export class GetAccountService {
  constructor(
    @Inject(LEDGER_SETTINGS) private readonly settings: LedgerSettings,
    private readonly access: AccountAccess,
    private readonly spend: DailySpendRepository,
  ) {}

  async get(vpa: string, caller: Caller): Promise<AccountView> {
    const account = await this.access.readable(vpa, caller);
    const [today] = await this.spend.find([{ vpa, day: indiaDay(new Date()) }]);
    return toAccountView(account, this.settings.dailyLimitPaise, today?.amountPaise ?? 0);
  }
}
