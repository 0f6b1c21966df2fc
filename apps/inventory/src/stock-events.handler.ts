import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@app/contracts';
import { OnEventBatch, withinEvent } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { ReserveStockService } from './reserve-stock/reserve-stock.service';
import { SettleReservationService } from './settle-reservation/settle-reservation.service';
import { lockProducts } from './stock-rows';

type StockEvent = DomainEvent<'PaymentInitiated'> | DomainEvent<'PaymentSucceeded'> | DomainEvent<'PaymentFailed'>;

/**
 * New payments reserve stock; final ones commit or release what they reserved. A chunk of events
 * first locks every product it touches, in sku order, so two chunks (consumed from two partitions
 * at once) never lock the same products in opposite orders; then each event is applied in turn.
 */
@Injectable()
export class StockEventsHandler {
  constructor(
    private readonly reserve: ReserveStockService,
    private readonly settle: SettleReservationService,
  ) {}

  @OnEventBatch('PaymentInitiated', 'PaymentSucceeded', 'PaymentFailed')
  async onEvents(events: StockEvent[], tx: EntityManager): Promise<void> {
    const skus = [...new Set(events.flatMap((e) => e.payload.items.map((item) => item.sku)))];
    if (skus.length > 0) await lockProducts(tx, skus);
    for (const event of events) await withinEvent(event, () => this.apply(event, tx));
  }

  private async apply(event: StockEvent, tx: EntityManager): Promise<void> {
    // A payment without items reserves nothing, so it has nothing to settle either.
    if (event.payload.items.length === 0) return;
    switch (event.type) {
      case 'PaymentInitiated':
        return this.reserve.reserve(tx, event.paymentId, event.payload.items);
      case 'PaymentSucceeded':
        return this.settle.settle(tx, event.paymentId, 'SUCCEEDED');
      case 'PaymentFailed':
        return this.settle.settle(tx, event.paymentId, 'FAILED');
    }
  }
}
