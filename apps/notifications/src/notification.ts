export const NotificationTypes = ['PAYMENT_SENT', 'PAYMENT_RECEIVED', 'PAYMENT_FAILED'] as const;
export type NotificationType = (typeof NotificationTypes)[number];

/** One message to one recipient about one payment. */
export interface Notification {
  id: string;
  paymentId: string;
  recipientVpa: string;
  /** The user who held `recipientVpa` at the time of the payment; null when the event did not say. */
  recipientUserId: string | null;
  type: NotificationType;
  message: string;
  createdAt: Date;
}
