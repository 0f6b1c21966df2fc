import { DynamicModule, Module } from '@nestjs/common';
import { AUTH_MIGRATIONS, AuthModule } from '@app/auth';
import { MESSAGING_MIGRATIONS, MessagingModule } from '@app/messaging';
import { PlatformModule } from '@app/platform';
import { DEADLINE_SETTINGS, IDEMPOTENCY_SETTINGS, INTAKE_SETTINGS, PaymentsConfig, TIMELINE_SETTINGS } from './config';
import { DeadlineSweeper } from './expire-payments/deadline-sweeper';
import { ExpirePaymentsService } from './expire-payments/expire-payments.service';
import { ExpireRefundsService } from './expire-payments/expire-refunds.service';
import { GetPaymentController } from './get-payment/get-payment.controller';
import { GetPaymentService } from './get-payment/get-payment.service';
import { GetTimelineController } from './get-timeline/get-timeline.controller';
import { GetTimelineService } from './get-timeline/get-timeline.service';
import { IdempotencyKeyPurger } from './initiate-payment/idempotency-key-purger';
import { IdempotencyKeysRepository } from './initiate-payment/idempotency-keys.repository';
import { InitiatePaymentController } from './initiate-payment/initiate-payment.controller';
import { InitiatePaymentService } from './initiate-payment/initiate-payment.service';
import { ListPaymentsController } from './list-payments/list-payments.controller';
import { ListPaymentsService } from './list-payments/list-payments.service';
import { Payments1763700000100 } from './migrations/1763700000100-payments';
import { PaymentTimeline1763700000200 } from './migrations/1763700000200-payment-timeline';
import { PaymentTraceParent1763700000400 } from './migrations/1763700000400-payment-trace-parent';
import { IdempotencyAndDeadlines1763700000300 } from './migrations/1763700000300-idempotency-and-deadlines';
import { PaymentParties1764700000100 } from './migrations/1764700000100-payment-parties';
import { PaymentFunds1765000000100 } from './migrations/1765000000100-payment-funds';
import { RefundAndDisputeSteps1766000000100 } from './migrations/1766000000100-refund-and-dispute-steps';
import { Refunds1766000000200 } from './migrations/1766000000200-refunds';
import { PaymentMetrics } from './payment-metrics';
import { PaymentTimelineRepository } from './payment-timeline.repository';
import { PaymentsRepository } from './payments.repository';
import { RecordTimelineService } from './record-timeline/record-timeline.service';
import { RefundIdempotencyKeysRepository } from './refund-idempotency-keys.repository';
import { RefundsRepository } from './refunds.repository';
import { ListRefundsService } from './request-refund/list-refunds.service';
import { RefundsController } from './request-refund/request-refund.controller';
import { RequestRefundService } from './request-refund/request-refund.service';
import { RefundEventsController } from './settle-refund/refund-events.controller';
import { SettleRefundService } from './settle-refund/settle-refund.service';
import { TimelineEventsController } from './record-timeline/timeline-events.controller';
import { PaymentSagaController } from './settle-payment/payment-saga.controller';
import { SettlePaymentService } from './settle-payment/settle-payment.service';
import { TrackVpaHoldersService } from './track-vpa-holders/track-vpa-holders.service';
import { UserEventsController } from './track-vpa-holders/user-events.controller';
import { VpaHoldersRepository } from './vpa-holders.repository';

@Module({})
export class PaymentsModule {
  static forRoot(config: PaymentsConfig): DynamicModule {
    return {
      module: PaymentsModule,
      imports: [
        PlatformModule.forRoot({
          config,
          migrations: [
            ...MESSAGING_MIGRATIONS,
            ...AUTH_MIGRATIONS,
            Payments1763700000100,
            PaymentTimeline1763700000200,
            IdempotencyAndDeadlines1763700000300,
            PaymentTraceParent1763700000400,
            PaymentParties1764700000100,
            PaymentFunds1765000000100,
            RefundAndDisputeSteps1766000000100,
            Refunds1766000000200,
          ],
        }),
        MessagingModule.forRoot({ config }),
        // Every route needs a bearer token but health and docs; de-registered users' tokens are refused.
        AuthModule.forRoot(config),
      ],
      // The event handlers are controllers too: Nest hands their @EventPattern methods to the messaging runtime.
      controllers: [
        InitiatePaymentController,
        ListPaymentsController,
        GetPaymentController,
        GetTimelineController,
        RefundsController,
        PaymentSagaController,
        RefundEventsController,
        TimelineEventsController,
        UserEventsController,
      ],
      providers: [
        { provide: TIMELINE_SETTINGS, useValue: config.timeline },
        { provide: DEADLINE_SETTINGS, useValue: config.deadlines },
        { provide: IDEMPOTENCY_SETTINGS, useValue: config.idempotency },
        { provide: INTAKE_SETTINGS, useValue: config.intake },
        PaymentsRepository,
        PaymentTimelineRepository,
        IdempotencyKeysRepository,
        VpaHoldersRepository,
        RefundsRepository,
        RefundIdempotencyKeysRepository,
        RequestRefundService,
        ListRefundsService,
        SettleRefundService,
        ExpireRefundsService,
        TrackVpaHoldersService,
        InitiatePaymentService,
        IdempotencyKeyPurger,
        GetPaymentService,
        ListPaymentsService,
        SettlePaymentService,
        RecordTimelineService,
        GetTimelineService,
        ExpirePaymentsService,
        DeadlineSweeper,
        PaymentMetrics,
      ],
    };
  }
}
