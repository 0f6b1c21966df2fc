import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { parseRupees } from '@app/contracts';
import { Caller } from '@app/auth';
import { Database, DomainError, notFound } from '@app/platform';
import { annotate } from '@app/telemetry';
import { AccountsRepository } from '../accounts.repository';
import { EntriesRepository } from '../entries.repository';
import { EntryView, toEntryView } from '../entry';
import { OperatorTransfersRepository } from '../operator-transfers.repository';
import { decideTransfer, TransferKind } from './transfer-decision';
import { TransferFundsBodyDto } from './transfer-funds.dto';

export interface TransferResult {
  created: boolean;
  entry: EntryView;
}

@Injectable()
export class TransferFundsService {
  constructor(
    private readonly db: Database,
    private readonly accounts: AccountsRepository,
    private readonly entries: EntriesRepository,
    private readonly transfers: OperatorTransfersRepository,
  ) {}

  /**
   * Moves money between the bank and an account, once per reference: the account is locked first,
   * so two requests with one reference are decided one after the other and the second finds the first.
   */
  transfer(kind: TransferKind, vpa: string, { amount, reference }: TransferFundsBodyDto, caller: Caller): Promise<TransferResult> {
    const amountPaise = parseRupees(amount)!;
    return this.db.transaction(async () => {
      const [account] = await this.accounts.lock([vpa]);
      if (!account) throw notFound('ACCOUNT.NOT_FOUND', `no account for ${vpa}`);
      const past = await this.transfers.find(vpa, reference);
      const decision = decideTransfer(kind, amountPaise, account, past);
      annotate({ 'ledger.transfer.kind': kind, 'ledger.transfer.outcome': decision.outcome });
      switch (decision.outcome) {
        case 'REPEAT':
          return { created: false, entry: toEntryView((await this.entries.find(past!.entryId))!) };
        case 'REFUSE':
          throw new DomainError(decision.code, decision.message, 'UNPROCESSABLE');
        case 'MOVE': {
          const transferId = randomUUID();
          await this.accounts.saveBalances([decision.account]);
          const [entry] = await this.entries.append([
            { vpa, kind, amountPaise, balanceAfter: decision.balanceAfter, paymentId: null, reference, transferId },
          ]);
          await this.transfers.insert({ id: transferId, vpa, kind, amountPaise, reference, entryId: entry.id, operatorId: caller.userId });
          return { created: true, entry: toEntryView(entry) };
        }
      }
    });
  }
}
