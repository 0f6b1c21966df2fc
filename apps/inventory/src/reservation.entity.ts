import { Column, Entity, PrimaryColumn } from 'typeorm';
import { LineItem } from '@app/contracts';

export const ReservationStatuses = ['RESERVED', 'REJECTED', 'COMMITTED', 'RELEASED'] as const;
export type ReservationStatus = (typeof ReservationStatuses)[number];

/** What inventory did for one payment's items; one row per payment, so a redelivery finds it. */
@Entity('reservations')
export class Reservation {
  @PrimaryColumn('uuid', { name: 'payment_id' })
  paymentId: string;

  @Column('text')
  status: ReservationStatus;

  @Column('jsonb')
  items: LineItem[];

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
