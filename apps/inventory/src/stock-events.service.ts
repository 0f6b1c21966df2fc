import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@app/contracts';
import { withinEvent } from '@app/messaging';
import { ProductsRepository } from './products.repository';
import { ReserveStockService } from './reserve-stock/reserve-stock.service';
import { SettleReservationService } from './settle-reservation/settle-reservation.service';

export type StockEvent = DomainEvent<'PaymentInitiated'> | DomainEvent<'PaymentSucceeded'> | DomainEvent<'PaymentFailed'>;

@Injectable()
export class StockEventsService {
  constructor(
    private readonly products: ProductsRepository,
    private readonly reserve: ReserveStockService,
    private readonly settle: SettleReservationService,
  ) {}

  /**
   * New payments reserve stock; final ones commit or release what they reserved. A chunk of events
   * first locks every product it touches, in sku order, so two chunks (consumed from two partitions
   * at once) never lock the same products in opposite orders; then each event is applied in turn.
   */
  async applyAll(events: StockEvent[]): Promise<void> {
    const skus = [...new Set(events.flatMap((e) => e.payload.items.map((item) => item.sku)))];
    if (skus.length > 0) await this.products.lockStock(skus);
    for (const event of events) await withinEvent(event, () => this.apply(event));
  }

  private async apply(event: StockEvent): Promise<void> {
    // A payment without items reserves nothing, so it has nothing to settle either.
    if (event.payload.items.length === 0) return;
    switch (event.type) {
      case 'PaymentInitiated':
        return this.reserve.reserve(event.paymentId, event.payload.items);
      case 'PaymentSucceeded':
        return this.settle.settle(event.paymentId, 'SUCCEEDED');
      case 'PaymentFailed':
        return this.settle.settle(event.paymentId, 'FAILED');
    }
  }
}
