import { Body, Controller, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, CurrentUser, OPERATOR, Roles } from '@app/auth';
import { VpaParamDto } from '../vpa-param.dto';
import { TransferKind } from './transfer-decision';
import { TransferFundsBodyDto } from './transfer-funds.dto';
import { TransferFundsService } from './transfer-funds.service';

@ApiTags('ledger')
@Controller('v1/ledger/accounts')
export class TransferFundsController {
  constructor(private readonly transfers: TransferFundsService) {}

  /** The bank credits money into the account: 201 the journal entry; the same reference and amount again: 200 the first entry. Operators only. */
  @Roles(OPERATOR)
  @Post(':vpa/deposits')
  deposit(
    @Param() { vpa }: VpaParamDto,
    @Body() body: TransferFundsBodyDto,
    @CurrentUser() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.transfer('DEPOSIT', vpa, body, caller, reply);
  }

  /** Money leaves the account for the bank, at most what is available: as deposits otherwise. Operators only. */
  @Roles(OPERATOR)
  @Post(':vpa/withdrawals')
  withdraw(
    @Param() { vpa }: VpaParamDto,
    @Body() body: TransferFundsBodyDto,
    @CurrentUser() caller: Caller,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.transfer('WITHDRAWAL', vpa, body, caller, reply);
  }

  private async transfer(kind: TransferKind, vpa: string, body: TransferFundsBodyDto, caller: Caller, reply: FastifyReply) {
    const { created, entry } = await this.transfers.transfer(kind, vpa, body, caller);
    reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return entry;
  }
}
