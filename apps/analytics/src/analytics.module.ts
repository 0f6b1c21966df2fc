import { DynamicModule, Module } from '@nestjs/common';
import { MESSAGING_MIGRATIONS, MessagingModule } from '@app/messaging';
import { PlatformModule, ServiceConfig } from '@app/platform';
import { PaymentFactsHandler } from './aggregate-payment-facts/payment-facts.handler';
import { PaymentFactsService } from './aggregate-payment-facts/payment-facts.service';
import { SummaryController } from './get-summary/summary.controller';
import { SummaryService } from './get-summary/summary.service';
import { Analytics1763700000100 } from './migrations/1763700000100-analytics';
import { LifecycleEventHandler } from './record-lifecycle-events/lifecycle-event.handler';
import { LifecycleEventsService } from './record-lifecycle-events/lifecycle-events.service';

@Module({})
export class AnalyticsModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AnalyticsModule,
      imports: [
        PlatformModule.forRoot({
          config,
          // raw SQL only: the tables are append-only records and aggregates, not entities
          entities: [],
          migrations: [...MESSAGING_MIGRATIONS, Analytics1763700000100],
        }),
        MessagingModule.forRoot({ config }),
      ],
      controllers: [SummaryController],
      providers: [LifecycleEventsService, LifecycleEventHandler, PaymentFactsService, PaymentFactsHandler, SummaryService],
    };
  }
}
