import { Injectable } from '@nestjs/common';
import { createEvent, LineItem } from '@app/contracts';
import { Outbox } from '@app/messaging';
import { annotate } from '@app/telemetry';
import { INVENTORY_PRODUCER } from '../inventory.constants';
import { ProductsRepository } from '../products.repository';
import { ReservationsRepository } from '../reservations.repository';
import { decideReservation, totalsBySku } from './reservation-decision';

@Injectable()
export class ReserveStockService {
  constructor(
    private readonly outbox: Outbox,
    private readonly products: ProductsRepository,
    private readonly reservations: ReservationsRepository,
  ) {}

  /**
   * Reserves all of a payment's items or none of them, inside the consumer's transaction, and
   * announces the outcome through the outbox. The product rows stay locked until the commit, so
   * concurrent payments for the same stock are decided one after another and never oversell.
   */
  async reserve(paymentId: string, items: LineItem[]): Promise<void> {
    if (items.length === 0) return; // nothing to hold; payments does not wait for inventory then
    const totals = totalsBySku(items);
    const products = await this.products.lockStock(totals.map((t) => t.sku));

    // The same payment under another event id: decided already. (Should two deliveries race, the
    // reservation's primary key fails the second transaction, and its retry stops here.)
    if (await this.reservations.exists(paymentId)) return;

    const decision = decideReservation(items, products);
    if (decision.outcome === 'RESERVE') {
      annotate({ 'inventory.reservation.outcome': 'RESERVED' });
      await this.products.moveStock('reserve', totals);
      await this.reservations.insert(paymentId, 'RESERVED', items);
      await this.outbox.add([createEvent('StockReserved', paymentId, { items }, INVENTORY_PRODUCER)]);
    } else {
      await this.reservations.insert(paymentId, 'REJECTED', items);
      const { reason, skus } = decision;
      annotate({
        'inventory.reservation.outcome': 'REJECTED',
        'inventory.reservation.rejection_reason': reason,
        'inventory.reservation.rejected_skus': skus.join(','),
      });
      await this.outbox.add([createEvent('StockRejected', paymentId, { items, reason, skus }, INVENTORY_PRODUCER)]);
    }
  }
}
