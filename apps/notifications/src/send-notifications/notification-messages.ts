import { FailureReason, formatPaise, PayloadOf } from '@app/contracts';
import { NotificationType } from '../notification';

export interface PlannedNotification {
  /** Null: a notification that belongs to no VPA (for operators, or for the user who asked for a refund). */
  recipientVpa: string | null;
  /** Whose notification it is: the payer's or the payee's user id from the event, or who asked (null if it has none). */
  recipientUserId: string | null;
  type: NotificationType;
  message: string;
}

/** An amount as a message says it. */
export const rupees = (paise: number) => `₹${formatPaise(paise)}`;

/** Why a payment failed, in the payer's words. */
export const FAILURE_IN_WORDS: Record<FailureReason, string> = {
  FRAUD_REJECTED: 'it was declined by the risk check',
  OUT_OF_STOCK: 'an item is out of stock',
  EXPIRED: 'it was not completed in time',
  INSUFFICIENT_FUNDS: 'your balance is too low',
  DAILY_LIMIT_EXCEEDED: "it would pass today's limit for your account",
  ACCOUNT_CLOSED: "your account or the payee's account is closed",
};

/**
 * Who is told what about a final payment: payer and payee on success, only the payer on failure;
 * each notification is the user's who held its VPA at the time of the payment.
 */
export function succeededNotifications(payment: PayloadOf<'PaymentSucceeded'>): PlannedNotification[] {
  const amount = rupees(payment.amountPaise);
  return [
    {
      recipientVpa: payment.payerVpa,
      recipientUserId: payment.payerUserId,
      type: 'PAYMENT_SENT',
      message: `You paid ${amount} to ${payment.payeeVpa}`,
    },
    {
      recipientVpa: payment.payeeVpa,
      recipientUserId: payment.payeeUserId,
      type: 'PAYMENT_RECEIVED',
      message: `You received ${amount} from ${payment.payerVpa}`,
    },
  ];
}

export function failedNotifications(payment: PayloadOf<'PaymentFailed'>): PlannedNotification[] {
  const amount = rupees(payment.amountPaise);
  return [
    {
      recipientVpa: payment.payerVpa,
      recipientUserId: payment.payerUserId,
      type: 'PAYMENT_FAILED',
      message: `Your payment of ${amount} to ${payment.payeeVpa} failed: ${FAILURE_IN_WORDS[payment.failureReason]}`,
    },
  ];
}

/**
 * What a PaymentNotified event announces: the planned notifications that were actually stored now,
 * in the planned order; null when none was (a repeat of an outcome already told), so nothing is published.
 */
export function notifiedPayload(
  planned: PlannedNotification[],
  stored: Array<Pick<PlannedNotification, 'recipientVpa' | 'type'>>,
): PayloadOf<'PaymentNotified'> | null {
  const isStored = (n: PlannedNotification) => stored.some((s) => s.recipientVpa === n.recipientVpa && s.type === n.type);
  const notifications = planned.filter(isStored).map(({ recipientVpa, type }) => ({ recipientVpa, type }));
  return notifications.length > 0 ? { notifications } : null;
}
