import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { createEvent, LineItem } from '@app/contracts';
import { Outbox } from '@app/messaging';
import { annotate } from '@app/telemetry';
import { INVENTORY_PRODUCER } from '../inventory.constants';
import { ReservationStatus } from '../reservation.entity';
import { totalsBySku } from '../reserve-stock/reservation-decision';
import { lockProducts, moveStock } from '../stock-rows';
import { PaymentOutcome, settlementFor } from './settlement';

@Injectable()
export class SettleReservationService {
  constructor(private readonly outbox: Outbox) {}

  /**
   * Commits (the goods leave: stock and reserved go down) or releases (reserved goes down) the
   * reservation of a final payment, in the consumer's transaction, and announces it via the outbox.
   */
  async settle(tx: EntityManager, paymentId: string, outcome: PaymentOutcome): Promise<void> {
    // Locked first: two deliveries of an outcome are applied one after the other, the second sees it settled.
    const [reservation]: Array<{ status: ReservationStatus; items: LineItem[] }> = await tx.query(
      'SELECT status, items FROM reservations WHERE payment_id = $1 FOR UPDATE',
      [paymentId],
    );
    const settlement = settlementFor(reservation?.status, outcome);
    if (!settlement) return;

    annotate({ 'inventory.reservation.outcome': settlement.status });
    const { items } = reservation;
    const totals = totalsBySku(items);
    await lockProducts(tx, totals.map((t) => t.sku));
    await moveStock(tx, settlement.action === 'COMMIT' ? 'commit' : 'release', totals);
    await tx.query('UPDATE reservations SET status = $2, updated_at = now() WHERE payment_id = $1', [paymentId, settlement.status]);
    await this.outbox.add(tx, [createEvent(settlement.event, paymentId, { items }, INVENTORY_PRODUCER)]);
  }
}
