import { DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, MessagingTables1763700000000 } from '@app/messaging';
import { PlatformModule, ServiceConfig } from '@app/platform';
import { GetPaymentController } from './get-payment/get-payment.controller';
import { GetPaymentService } from './get-payment/get-payment.service';
import { InitiatePaymentController } from './initiate-payment/initiate-payment.controller';
import { InitiatePaymentService } from './initiate-payment/initiate-payment.service';
import { ListPaymentsController } from './list-payments/list-payments.controller';
import { ListPaymentsService } from './list-payments/list-payments.service';
import { Payments1763700000100 } from './migrations/1763700000100-payments';
import { PaymentsRepository } from './payments.repository';
import { PaymentSagaHandler } from './settle-payment/payment-saga.handler';
import { SettlePaymentService } from './settle-payment/settle-payment.service';

@Module({})
export class PaymentsModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: PaymentsModule,
      imports: [
        PlatformModule.forRoot({
          config,
          entities: [], // raw SQL through PaymentsRepository
          migrations: [MessagingTables1763700000000, Payments1763700000100],
        }),
        MessagingModule.forRoot({ config }),
      ],
      controllers: [InitiatePaymentController, ListPaymentsController, GetPaymentController],
      providers: [
        PaymentsRepository,
        InitiatePaymentService,
        GetPaymentService,
        ListPaymentsService,
        SettlePaymentService,
        PaymentSagaHandler,
      ],
    };
  }
}
