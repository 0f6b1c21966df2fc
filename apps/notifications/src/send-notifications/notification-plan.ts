import { DomainEvent } from '@app/contracts';
import { Notification } from '../notification';
import {
  disputeCommentedNotifications,
  disputeEscalatedNotifications,
  disputeOpenedNotifications,
  disputeResolvedNotifications,
} from './dispute-messages';
import { failedNotifications, PlannedNotification, succeededNotifications } from './notification-messages';
import { refundFailedNotifications, refundSucceededNotifications } from './refund-messages';

/** The events that notify someone. */
export const NOTIFYING_EVENT_TYPES = [
  'PaymentSucceeded',
  'PaymentFailed',
  'RefundSucceeded',
  'RefundFailed',
  'DisputeOpened',
  'DisputeCommented',
  'DisputeEscalated',
  'DisputeResolved',
] as const;
export type NotifyingEventType = (typeof NOTIFYING_EVENT_TYPES)[number];
export type NotifyingEvent = { [T in NotifyingEventType]: DomainEvent<T> }[NotifyingEventType];

/** What the notifications of one event are about: one notification per (payment, subject, recipient, type). */
export type NotificationSubject = Pick<Notification, 'subjectId' | 'refundId' | 'disputeId'>;

export interface NotificationPlan {
  subject: NotificationSubject;
  notifications: PlannedNotification[];
}

/**
 * Who is told what about an event, and what it is about: a payment's outcome is about the payment,
 * a refund's about the refund (and its dispute, if it has one), a dispute's about the dispute, a
 * comment about the comment (of its dispute). Several refunds or comments of one payment are
 * therefore told each once.
 */
export function planFor(event: NotifyingEvent): NotificationPlan {
  switch (event.type) {
    case 'PaymentSucceeded':
      return { subject: aboutPayment(event.paymentId), notifications: succeededNotifications(event.payload) };
    case 'PaymentFailed':
      return { subject: aboutPayment(event.paymentId), notifications: failedNotifications(event.payload) };
    case 'RefundSucceeded':
      return { subject: aboutRefund(event.payload), notifications: refundSucceededNotifications(event.payload) };
    case 'RefundFailed':
      return { subject: aboutRefund(event.payload), notifications: refundFailedNotifications(event.payload) };
    case 'DisputeOpened':
      return { subject: aboutDispute(event.payload), notifications: disputeOpenedNotifications(event.payload) };
    case 'DisputeCommented':
      return {
        subject: { subjectId: event.payload.commentId, refundId: null, disputeId: event.payload.disputeId },
        notifications: disputeCommentedNotifications(event.payload),
      };
    case 'DisputeEscalated':
      return { subject: aboutDispute(event.payload), notifications: disputeEscalatedNotifications(event.payload) };
    case 'DisputeResolved':
      return { subject: aboutDispute(event.payload), notifications: disputeResolvedNotifications(event.payload) };
  }
}

const aboutPayment = (paymentId: string): NotificationSubject => ({ subjectId: paymentId, refundId: null, disputeId: null });
const aboutRefund = ({ refundId, disputeId }: { refundId: string; disputeId: string | null }): NotificationSubject => ({
  subjectId: refundId,
  refundId,
  disputeId,
});
const aboutDispute = ({ disputeId }: { disputeId: string }): NotificationSubject => ({ subjectId: disputeId, refundId: null, disputeId });
