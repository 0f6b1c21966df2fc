import { PayloadOf, RefundFailureReason } from '@app/contracts';
import { PlannedNotification, rupees } from './notification-messages';

/** Why a refund failed, in the words of the payee who asked for it (the refund is given from their account). */
export const REFUND_FAILURE_IN_WORDS: Record<RefundFailureReason, string> = {
  INSUFFICIENT_FUNDS: 'your balance is too low',
  ACCOUNT_CLOSED: "your account or the payer's account is closed",
  EXPIRED: 'it was not completed in time',
  EXCEEDS_PAYMENT: 'it would give back more than is left of the payment',
};

/** Why a refund failed, in the words of someone else who asked for it: an operator (a dispute's refund included). */
export const REFUND_FAILURE_FOR_OPERATORS: Record<RefundFailureReason, string> = {
  INSUFFICIENT_FUNDS: "the payee's balance is too low",
  ACCOUNT_CLOSED: "the payee's or the payer's account is closed",
  EXPIRED: 'it was not completed in time',
  EXCEEDS_PAYMENT: 'it would give back more than is left of the payment',
};

/**
 * A refund that succeeded: the payee gave it (REFUND_SENT), the payer got it back (REFUND_RECEIVED),
 * each the user's who held the VPA at the time of the payment. The refund's reason is the payee's
 * own words and stays out of the message.
 */
export function refundSucceededNotifications(refund: PayloadOf<'RefundSucceeded'>): PlannedNotification[] {
  const amount = rupees(refund.amountPaise);
  const forDispute = (whose: string) => (refund.disputeId ? `: ${whose} dispute was resolved in ${whose} favour` : '');
  return [
    {
      recipientVpa: refund.payeeVpa,
      recipientUserId: refund.payeeUserId,
      type: 'REFUND_SENT',
      message: `You refunded ${amount} to ${refund.payerVpa}${forDispute('their')}`,
    },
    {
      recipientVpa: refund.payerVpa,
      recipientUserId: refund.payerUserId,
      type: 'REFUND_RECEIVED',
      message: `You received a refund of ${amount} from ${refund.payeeVpa}${forDispute('your')}`,
    },
  ];
}

/**
 * A refund that failed is told to whoever asked for it: the payee's user at the payee's VPA;
 * anyone else (an operator, or the operator whose resolution of a dispute made the refund) as a
 * notification to no VPA, theirs by user id, which operators see too.
 */
export function refundFailedNotifications(refund: PayloadOf<'RefundFailed'>): PlannedNotification[] {
  const amount = rupees(refund.amountPaise);
  if (refund.payeeUserId !== null && refund.requestedByUserId === refund.payeeUserId) {
    return [
      {
        recipientVpa: refund.payeeVpa,
        recipientUserId: refund.payeeUserId,
        type: 'REFUND_FAILED',
        message: `Your refund of ${amount} to ${refund.payerVpa} failed: ${REFUND_FAILURE_IN_WORDS[refund.failureReason]}`,
      },
    ];
  }
  const what = `The refund of ${amount} on ${refund.payerVpa}'s payment to ${refund.payeeVpa}${refund.disputeId ? ' (for its dispute)' : ''}`;
  return [
    {
      recipientVpa: null,
      recipientUserId: refund.requestedByUserId,
      type: 'REFUND_FAILED',
      message: `${what} failed: ${REFUND_FAILURE_FOR_OPERATORS[refund.failureReason]}`,
    },
  ];
}
