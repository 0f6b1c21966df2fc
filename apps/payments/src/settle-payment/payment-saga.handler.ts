import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@app/contracts';
import { OnEvent } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { SettlePaymentService } from './settle-payment.service';

/** What fraud and inventory report about a payment; each event is applied once, in its own transaction. */
@Injectable()
export class PaymentSagaHandler {
  constructor(private readonly settle: SettlePaymentService) {}

  @OnEvent('FraudAssessed')
  onFraudAssessed(event: DomainEvent<'FraudAssessed'>, tx: EntityManager): Promise<void> {
    return this.settle.recordFraudAssessment(tx, event);
  }

  @OnEvent('StockReserved')
  onStockReserved(event: DomainEvent<'StockReserved'>, tx: EntityManager): Promise<void> {
    return this.settle.recordStockReserved(tx, event);
  }

  @OnEvent('StockRejected')
  onStockRejected(event: DomainEvent<'StockRejected'>, tx: EntityManager): Promise<void> {
    return this.settle.recordStockRejected(tx, event);
  }
}
