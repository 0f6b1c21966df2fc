import { NotificationType } from '@app/contracts';

export { NotificationTypes } from '@app/contracts';
export type { NotificationType } from '@app/contracts';

/** One message to one recipient about one payment, or about one refund, dispute or comment of it. */
export interface Notification {
  id: string;
  paymentId: string;
  /**
   * What it is about: the payment itself (its id), a refund, a dispute or a comment. One
   * notification per (payment, subject, recipient, type), whatever is redelivered.
   */
  subjectId: string;
  /** The refund it is about, if any. */
  refundId: string | null;
  /** The dispute it is about (a comment's dispute, a dispute's refund), if any. */
  disputeId: string | null;
  /** Null: a notification that belongs to no VPA (for operators, or for the user who asked for a refund). */
  recipientVpa: string | null;
  /** The user it is for (who held `recipientVpa` at the time of the payment, or who asked); null when the event did not say, or for operators only. */
  recipientUserId: string | null;
  type: NotificationType;
  message: string;
  createdAt: Date;
}
