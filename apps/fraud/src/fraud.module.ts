import { DynamicModule, Module } from '@nestjs/common';
import { AUTH_MIGRATIONS, AuthModule } from '@app/auth';
import { MESSAGING_MIGRATIONS, MessagingModule } from '@app/messaging';
import { PlatformModule } from '@app/platform';
import { AssessPaymentService } from './assess-payment/assess-payment.service';
import { SeenPaymentsRepository } from './assess-payment/seen-payments.repository';
import { AssessmentsRepository } from './assessments.repository';
import { FRAUD_SETTINGS, FraudConfig } from './config';
import { FraudEventsController } from './fraud-events.controller';
import { GetAssessmentController } from './get-assessment/get-assessment.controller';
import { GetAssessmentService } from './get-assessment/get-assessment.service';
import { KnownPayeesRepository } from './known-payees/known-payees.repository';
import { Fraud1763700000100 } from './migrations/1763700000100-fraud';

@Module({})
export class FraudModule {
  static forRoot(config: FraudConfig): DynamicModule {
    return {
      module: FraudModule,
      imports: [
        PlatformModule.forRoot({ config, migrations: [...MESSAGING_MIGRATIONS, Fraud1763700000100, ...AUTH_MIGRATIONS] }),
        MessagingModule.forRoot({ config }),
        AuthModule.forRoot(config),
      ],
      controllers: [GetAssessmentController, FraudEventsController],
      providers: [
        { provide: FRAUD_SETTINGS, useValue: config.fraud },
        AssessPaymentService,
        GetAssessmentService,
        AssessmentsRepository,
        SeenPaymentsRepository,
        KnownPayeesRepository,
      ],
    };
  }
}
