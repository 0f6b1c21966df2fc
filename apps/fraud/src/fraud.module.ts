import { DynamicModule, Module } from '@nestjs/common';
import { MESSAGING_MIGRATIONS, MessagingModule } from '@app/messaging';
import { PlatformModule } from '@app/platform';
import { AssessPaymentService } from './assess-payment/assess-payment.service';
import { Assessment } from './assessment.entity';
import { FRAUD_SETTINGS, FraudConfig } from './config';
import { GetAssessmentController } from './get-assessment/get-assessment.controller';
import { FraudEventsHandler } from './fraud-events.handler';
import { GetAssessmentService } from './get-assessment/get-assessment.service';
import { KnownPayeesService } from './known-payees/known-payees.service';
import { Fraud1763700000100 } from './migrations/1763700000100-fraud';

@Module({})
export class FraudModule {
  static forRoot(config: FraudConfig): DynamicModule {
    return {
      module: FraudModule,
      imports: [
        PlatformModule.forRoot({
          config,
          entities: [Assessment],
          migrations: [...MESSAGING_MIGRATIONS, Fraud1763700000100],
        }),
        MessagingModule.forRoot({ config }),
      ],
      controllers: [GetAssessmentController],
      providers: [
        { provide: FRAUD_SETTINGS, useValue: config.fraud },
        AssessPaymentService,
        FraudEventsHandler,
        KnownPayeesService,
        GetAssessmentService,
      ],
    };
  }
}
