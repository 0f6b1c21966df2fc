import { DynamicModule, Module } from '@nestjs/common';
import { AUTH_MIGRATIONS, AuthModule } from '@app/auth';
import { MESSAGING_MIGRATIONS, MessagingModule } from '@app/messaging';
import { PlatformModule } from '@app/platform';
import { AccountAccess } from './account-access';
import { AccountsRepository } from './accounts.repository';
import { LEDGER_SETTINGS, LedgerConfig } from './config';
import { DailySpendRepository } from './daily-spend.repository';
import { EntriesRepository } from './entries.repository';
import { GetAccountController } from './get-account/get-account.controller';
import { GetAccountService } from './get-account/get-account.service';
import { HoldsRepository } from './holds.repository';
import { ListEntriesController } from './list-entries/list-entries.controller';
import { ListEntriesService } from './list-entries/list-entries.service';
import { Ledger1765000000100 } from './migrations/1765000000100-ledger';
import { RefundHolds1766000000100 } from './migrations/1766000000100-refund-holds';
import { OperatorTransfersRepository } from './operator-transfers.repository';
import { PaymentEventsController } from './payment-funds/payment-events.controller';
import { PaymentFundsService } from './payment-funds/payment-funds.service';
import { ReconciliationController } from './reconciliation/reconciliation.controller';
import { ReconciliationService } from './reconciliation/reconciliation.service';
import { TrackAccountsService } from './track-accounts/track-accounts.service';
import { UserEventsController } from './track-accounts/user-events.controller';
import { TransferFundsController } from './transfer-funds/transfer-funds.controller';
import { TransferFundsService } from './transfer-funds/transfer-funds.service';

@Module({})
export class LedgerModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: LedgerModule,
      imports: [
        PlatformModule.forRoot({
          config,
          migrations: [...MESSAGING_MIGRATIONS, Ledger1765000000100, ...AUTH_MIGRATIONS, RefundHolds1766000000100],
        }),
        MessagingModule.forRoot({ config }),
        AuthModule.forRoot(config),
      ],
      controllers: [
        TransferFundsController,
        GetAccountController,
        ListEntriesController,
        ReconciliationController,
        PaymentEventsController,
        UserEventsController,
      ],
      providers: [
        { provide: LEDGER_SETTINGS, useValue: config.ledger },
        AccountAccess,
        TransferFundsService,
        GetAccountService,
        ListEntriesService,
        ReconciliationService,
        PaymentFundsService,
        TrackAccountsService,
        AccountsRepository,
        HoldsRepository,
        DailySpendRepository,
        EntriesRepository,
        OperatorTransfersRepository,
      ],
    };
  }
}
