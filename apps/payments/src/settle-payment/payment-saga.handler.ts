import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@app/contracts';
import { OnEventBatch } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { SagaEventType, SettlePaymentService } from './settle-payment.service';

/** What fraud and inventory report about payments: each chunk of a Kafka batch is applied at once. */
@Injectable()
export class PaymentSagaHandler {
  constructor(private readonly settle: SettlePaymentService) {}

  @OnEventBatch('FraudAssessed', 'StockReserved', 'StockRejected')
  onReports(events: Array<DomainEvent<SagaEventType>>, tx: EntityManager): Promise<void> {
    return this.settle.recordReports(tx, events);
  }
}
