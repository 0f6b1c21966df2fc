import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { createEvent, LineItem } from '@app/contracts';
import { Outbox } from '@app/messaging';
import { annotate } from '@app/telemetry';
import { INVENTORY_PRODUCER } from '../inventory.constants';
import { lockProducts, moveStock } from '../stock-rows';
import { decideReservation, totalsBySku } from './reservation-decision';

@Injectable()
export class ReserveStockService {
  constructor(private readonly outbox: Outbox) {}

  /**
   * Reserves all of a payment's items or none of them, inside the consumer's transaction, and
   * announces the outcome through the outbox. The product rows stay locked until the commit, so
   * concurrent payments for the same stock are decided one after another and never oversell.
   */
  async reserve(tx: EntityManager, paymentId: string, items: LineItem[]): Promise<void> {
    if (items.length === 0) return; // nothing to hold; payments does not wait for inventory then
    const totals = totalsBySku(items);
    const products = await lockProducts(tx, totals.map((t) => t.sku));

    // The same payment under another event id: decided already. (Should two deliveries race, the
    // reservation's primary key fails the second transaction, and its retry stops here.)
    const existing = await tx.query('SELECT 1 FROM reservations WHERE payment_id = $1', [paymentId]);
    if (existing.length > 0) return;

    const decision = decideReservation(items, products);
    if (decision.outcome === 'RESERVE') {
      annotate({ 'inventory.reservation.outcome': 'RESERVED' });
      await moveStock(tx, 'reserve', totals);
      await this.record(tx, paymentId, 'RESERVED', items);
      await this.outbox.add(tx, [createEvent('StockReserved', paymentId, { items }, INVENTORY_PRODUCER)]);
    } else {
      await this.record(tx, paymentId, 'REJECTED', items);
      const { reason, skus } = decision;
      annotate({
        'inventory.reservation.outcome': 'REJECTED',
        'inventory.reservation.rejection_reason': reason,
        'inventory.reservation.rejected_skus': skus.join(','),
      });
      await this.outbox.add(tx, [createEvent('StockRejected', paymentId, { items, reason, skus }, INVENTORY_PRODUCER)]);
    }
  }

  private async record(tx: EntityManager, paymentId: string, status: 'RESERVED' | 'REJECTED', items: LineItem[]) {
    await tx.query('INSERT INTO reservations (payment_id, status, items) VALUES ($1, $2, $3::jsonb)', [
      paymentId,
      status,
      JSON.stringify(items),
    ]);
  }
}
