import { LineItem } from '@app/contracts';

export const ReservationStatuses = ['RESERVED', 'REJECTED', 'COMMITTED', 'RELEASED'] as const;
export type ReservationStatus = (typeof ReservationStatuses)[number];

/** What inventory did for one payment's items; one per payment, so a redelivery finds it. */
export interface Reservation {
  paymentId: string;
  status: ReservationStatus;
  items: LineItem[];
  createdAt: Date;
  updatedAt: Date;
}
