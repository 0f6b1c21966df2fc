import { Injectable } from '@nestjs/common';
import { LineItem } from '@app/contracts';
import { Database } from '@app/platform';
import { Reservation, ReservationStatus } from './reservation';

/** The reservations table: one row per payment with items. */
@Injectable()
export class ReservationsRepository {
  constructor(private readonly db: Database) {}

  async exists(paymentId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM reservations WHERE payment_id = $1', [paymentId]);
    return rows.length > 0;
  }

  async insert(paymentId: string, status: 'RESERVED' | 'REJECTED', items: LineItem[]): Promise<void> {
    await this.db.query('INSERT INTO reservations (payment_id, status, items) VALUES ($1, $2, $3::jsonb)', [
      paymentId,
      status,
      JSON.stringify(items),
    ]);
  }

  /** The payment's reservation, locked until the transaction ends; null if it has none. */
  async lock(paymentId: string): Promise<Pick<Reservation, 'status' | 'items'> | null> {
    const [row] = await this.db.query<{ status: ReservationStatus; items: LineItem[] }>(
      'SELECT status, items FROM reservations WHERE payment_id = $1 FOR UPDATE',
      [paymentId],
    );
    return row ? { status: row.status, items: row.items } : null;
  }

  async setStatus(paymentId: string, status: ReservationStatus): Promise<void> {
    await this.db.query('UPDATE reservations SET status = $2, updated_at = now() WHERE payment_id = $1', [paymentId, status]);
  }
}
