import { Column, Entity, PrimaryColumn } from 'typeorm';

export const NotificationTypes = ['PAYMENT_SENT', 'PAYMENT_RECEIVED', 'PAYMENT_FAILED'] as const;
export type NotificationType = (typeof NotificationTypes)[number];

@Entity('notifications')
export class Notification {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'payment_id' })
  paymentId: string;

  @Column('text', { name: 'recipient_vpa' })
  recipientVpa: string;

  @Column('text')
  type: NotificationType;

  @Column('text')
  message: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
