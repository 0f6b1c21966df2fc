import { DynamicModule, Module } from '@nestjs/common';
import { AUTH_MIGRATIONS, AuthModule } from '@app/auth';
import { MESSAGING_MIGRATIONS, MessagingModule } from '@app/messaging';
import { PlatformModule, ServiceConfig } from '@app/platform';
import { PaymentFactsController } from './aggregate-payment-facts/payment-facts.controller';
import { PaymentFactsService } from './aggregate-payment-facts/payment-facts.service';
import { DisputeFactsController } from './aggregate-dispute-facts/dispute-facts.controller';
import { DisputeFactsService } from './aggregate-dispute-facts/dispute-facts.service';
import { RefundFactsController } from './aggregate-refund-facts/refund-facts.controller';
import { RefundFactsService } from './aggregate-refund-facts/refund-facts.service';
import { DisputeFactsRepository } from './dispute-facts.repository';
import { SummaryController } from './get-summary/summary.controller';
import { SummaryService } from './get-summary/summary.service';
import { Analytics1763700000100 } from './migrations/1763700000100-analytics';
import { RefundFacts1766000000100 } from './migrations/1766000000100-refund-facts';
import { DisputeFacts1766000000200 } from './migrations/1766000000200-dispute-facts';
import { PaymentFactsRepository } from './payment-facts.repository';
import { RefundFactsRepository } from './refund-facts.repository';
import { LifecycleEventController } from './record-lifecycle-events/lifecycle-event.controller';
import { LifecycleEventsRepository } from './record-lifecycle-events/lifecycle-events.repository';
import { LifecycleEventsService } from './record-lifecycle-events/lifecycle-events.service';

@Module({})
export class AnalyticsModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AnalyticsModule,
      imports: [
        PlatformModule.forRoot({
          config,
          migrations: [
            ...MESSAGING_MIGRATIONS,
            Analytics1763700000100,
            ...AUTH_MIGRATIONS,
            RefundFacts1766000000100,
            DisputeFacts1766000000200,
          ],
        }),
        MessagingModule.forRoot({ config }),
        AuthModule.forRoot(config),
      ],
      controllers: [SummaryController, LifecycleEventController, PaymentFactsController, RefundFactsController, DisputeFactsController],
      providers: [
        LifecycleEventsService,
        PaymentFactsService,
        RefundFactsService,
        DisputeFactsService,
        SummaryService,
        LifecycleEventsRepository,
        PaymentFactsRepository,
        RefundFactsRepository,
        DisputeFactsRepository,
      ],
    };
  }
}
