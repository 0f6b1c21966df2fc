import { DynamicModule, Module } from '@nestjs/common';
import { AUTH_MIGRATIONS, AuthModule } from '@app/auth';
import { MESSAGING_MIGRATIONS, MessagingModule } from '@app/messaging';
import { PlatformModule } from '@app/platform';
import { CommentOnDisputeController } from './comment-on-dispute/comment-on-dispute.controller';
import { CommentOnDisputeService } from './comment-on-dispute/comment-on-dispute.service';
import { DISPUTE_SETTINGS, DisputesConfig } from './config';
import { DisputeAccess } from './dispute-access';
import { DisputeCommentsRepository } from './dispute-comments.repository';
import { DisputeHistoryRepository } from './dispute-history.repository';
import { DisputesRepository } from './disputes.repository';
import { EscalateDisputesService } from './escalate-disputes/escalate-disputes.service';
import { EscalationSweeper } from './escalate-disputes/escalation-sweeper';
import { GetDisputeController } from './get-dispute/get-dispute.controller';
import { GetDisputeService } from './get-dispute/get-dispute.service';
import { ListDisputesController } from './list-disputes/list-disputes.controller';
import { ListDisputesService } from './list-disputes/list-disputes.service';
import { Disputes1766000000100 } from './migrations/1766000000100-disputes';
import { OpenDisputeController } from './open-dispute/open-dispute.controller';
import { OpenDisputeService } from './open-dispute/open-dispute.service';
import { PaymentsRepository } from './payments.repository';
import { RefundsRepository } from './refunds.repository';
import { PaymentEventsController } from './track-payments/payment-events.controller';
import { TrackPaymentsService } from './track-payments/track-payments.service';
import { TransitionDisputeController } from './transition-dispute/transition-dispute.controller';
import { TransitionDisputeService } from './transition-dispute/transition-dispute.service';

@Module({})
export class DisputesModule {
  static forRoot(config: DisputesConfig): DynamicModule {
    return {
      module: DisputesModule,
      imports: [
        PlatformModule.forRoot({ config, migrations: [...MESSAGING_MIGRATIONS, ...AUTH_MIGRATIONS, Disputes1766000000100] }),
        MessagingModule.forRoot({ config }),
        AuthModule.forRoot(config),
      ],
      controllers: [
        OpenDisputeController,
        ListDisputesController,
        GetDisputeController,
        CommentOnDisputeController,
        TransitionDisputeController,
        PaymentEventsController,
      ],
      providers: [
        { provide: DISPUTE_SETTINGS, useValue: config.disputes },
        DisputeAccess,
        OpenDisputeService,
        ListDisputesService,
        GetDisputeService,
        CommentOnDisputeService,
        TransitionDisputeService,
        TrackPaymentsService,
        EscalateDisputesService,
        EscalationSweeper,
        PaymentsRepository,
        RefundsRepository,
        DisputesRepository,
        DisputeHistoryRepository,
        DisputeCommentsRepository,
      ],
    };
  }
}
