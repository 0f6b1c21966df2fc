import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Caller, CurrentUser } from '@app/auth';
import { VpaParamDto } from '../vpa-param.dto';
import { GetAccountService } from './get-account.service';

@ApiTags('ledger')
@Controller('v1/ledger/accounts')
export class GetAccountController {
  constructor(private readonly accounts: GetAccountService) {}

  /** An account's balance, held and available amounts, status, and today's debits against the daily limit. Its user or an operator. */
  @Get(':vpa')
  get(@Param() { vpa }: VpaParamDto, @CurrentUser() caller: Caller) {
    return this.accounts.get(vpa, caller);
  }
}
