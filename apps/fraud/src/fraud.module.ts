import { DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, MessagingTables1763700000000 } from '@app/messaging';
import { PlatformModule } from '@app/platform';
import { AssessPaymentService } from './assess-payment/assess-payment.service';
import { PaymentInitiatedHandler } from './assess-payment/payment-initiated.handler';
import { Assessment } from './assessment.entity';
import { FRAUD_SETTINGS, FraudConfig } from './config';
import { GetAssessmentController } from './get-assessment/get-assessment.controller';
import { GetAssessmentService } from './get-assessment/get-assessment.service';
import { KnownPayeesService } from './known-payees/known-payees.service';
import { PaymentSucceededHandler } from './known-payees/payment-succeeded.handler';
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
          migrations: [MessagingTables1763700000000, Fraud1763700000100],
        }),
        MessagingModule.forRoot({ config }),
      ],
      controllers: [GetAssessmentController],
      providers: [
        { provide: FRAUD_SETTINGS, useValue: config.fraud },
        AssessPaymentService,
        PaymentInitiatedHandler,
        KnownPayeesService,
        PaymentSucceededHandler,
        GetAssessmentService,
      ],
    };
  }
}
