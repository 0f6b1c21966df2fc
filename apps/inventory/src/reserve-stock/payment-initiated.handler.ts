import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@app/contracts';
import { OnEvent } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { ReserveStockService } from './reserve-stock.service';

@Injectable()
export class PaymentInitiatedHandler {
  constructor(private readonly stock: ReserveStockService) {}

  @OnEvent('PaymentInitiated')
  onInitiated(event: DomainEvent<'PaymentInitiated'>, tx: EntityManager): Promise<void> {
    return this.stock.reserve(tx, event.paymentId, event.payload.items);
  }
}
