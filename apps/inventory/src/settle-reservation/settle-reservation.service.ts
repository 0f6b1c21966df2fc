import { Injectable } from '@nestjs/common';
import { createEvent } from '@app/contracts';
import { Outbox } from '@app/messaging';
import { annotate } from '@app/telemetry';
import { INVENTORY_PRODUCER } from '../inventory.constants';
import { ProductsRepository } from '../products.repository';
import { ReservationsRepository } from '../reservations.repository';
import { totalsBySku } from '../reserve-stock/reservation-decision';
import { PaymentOutcome, settlementFor } from './settlement';

@Injectable()
export class SettleReservationService {
  constructor(
    private readonly outbox: Outbox,
    private readonly products: ProductsRepository,
    private readonly reservations: ReservationsRepository,
  ) {}

  /**
   * Commits (the goods leave: stock and reserved go down) or releases (reserved goes down) the
   * reservation of a final payment, in the consumer's transaction, and announces it via the outbox.
   */
  async settle(paymentId: string, outcome: PaymentOutcome): Promise<void> {
    // Locked first: two deliveries of an outcome are applied one after the other, the second sees it settled.
    const reservation = await this.reservations.lock(paymentId);
    const settlement = settlementFor(reservation?.status, outcome);
    if (!reservation || !settlement) return;

    annotate({ 'inventory.reservation.outcome': settlement.status });
    const { items } = reservation;
    const totals = totalsBySku(items);
    await this.products.lockStock(totals.map((t) => t.sku));
    await this.products.moveStock(settlement.action === 'COMMIT' ? 'commit' : 'release', totals);
    await this.reservations.setStatus(paymentId, settlement.status);
    await this.outbox.add([createEvent(settlement.event, paymentId, { items }, INVENTORY_PRODUCER)]);
  }
}
