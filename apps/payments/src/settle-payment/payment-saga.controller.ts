import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { DomainEvent } from '@app/contracts';
import { SagaEventType, SettlePaymentService } from './settle-payment.service';

/** What fraud, the ledger and inventory report about payments: each chunk of a Kafka batch is applied at once. */
@Controller()
export class PaymentSagaController {
  constructor(private readonly settle: SettlePaymentService) {}

  @EventPattern(['FraudAssessed', 'FundsReserved', 'FundsRejected', 'StockReserved', 'StockRejected'], { batch: true })
  onReports(@Payload() events: Array<DomainEvent<SagaEventType>>): Promise<void> {
    return this.settle.recordReports(events);
  }
}
