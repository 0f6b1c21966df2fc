import { DisputeReason, PayloadOf } from '@app/contracts';
import { PlannedNotification, rupees } from './notification-messages';

/*
 * What the parties of a dispute are told. A dispute's description and its comments' texts are the
 * parties' own words: they stay in the disputes service (the events do not carry them), and no
 * message here says more than who did what about how much of which payment.
 */

/** Why the payer disputes a payment, as told to the payee. */
export const DISPUTE_REASON_IN_WORDS: Record<DisputeReason, string> = {
  NOT_RECEIVED: 'they say they did not receive what they paid for',
  DUPLICATE: 'they say the payment was made twice',
  UNAUTHORIZED: 'they say they did not authorise the payment',
  OTHER: 'they give another reason',
};

type DisputeFacts = Pick<PayloadOf<'DisputeOpened'>, 'payerVpa' | 'payeeVpa' | 'payerUserId' | 'payeeUserId' | 'amountPaise'>;

/** The dispute as each party calls it. */
const disputeAsPayerSays = (d: DisputeFacts) => `your dispute of ${rupees(d.amountPaise)} about your payment to ${d.payeeVpa}`;
const disputeAsPayeeSays = (d: DisputeFacts) => `the dispute of ${rupees(d.amountPaise)} about ${d.payerVpa}'s payment to you`;
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const toPayer = (d: DisputeFacts, type: PlannedNotification['type'], message: string): PlannedNotification => ({
  recipientVpa: d.payerVpa,
  recipientUserId: d.payerUserId,
  type,
  message,
});
const toPayee = (d: DisputeFacts, type: PlannedNotification['type'], message: string): PlannedNotification => ({
  recipientVpa: d.payeeVpa,
  recipientUserId: d.payeeUserId,
  type,
  message,
});

/** A dispute opened: the payee is told, with the reason in words (never the payer's description). */
export function disputeOpenedNotifications(dispute: PayloadOf<'DisputeOpened'>): PlannedNotification[] {
  return [
    toPayee(
      dispute,
      'DISPUTE_OPENED',
      `${dispute.payerVpa} disputes ${rupees(dispute.amountPaise)} of their payment to you: ${DISPUTE_REASON_IN_WORDS[dispute.reason]}`,
    ),
  ];
}

/** A comment: the other parties are told that there is one, and by whom (never what it says). */
export function disputeCommentedNotifications(comment: PayloadOf<'DisputeCommented'>): PlannedNotification[] {
  const author = { PAYER: comment.payerVpa, PAYEE: comment.payeeVpa, OPERATOR: 'An operator' }[comment.authorRole];
  const payer = toPayer(comment, 'DISPUTE_COMMENTED', `${author} commented on ${disputeAsPayerSays(comment)}`);
  const payee = toPayee(comment, 'DISPUTE_COMMENTED', `${author} commented on ${disputeAsPayeeSays(comment)}`);
  if (comment.authorRole === 'PAYER') return [payee];
  if (comment.authorRole === 'PAYEE') return [payer];
  return [payer, payee];
}

/** A resolution: payer and payee are told for whom, and whether money moves back. */
export function disputeResolvedNotifications(resolution: PayloadOf<'DisputeResolved'>): PlannedNotification[] {
  const amount = rupees(resolution.amountPaise);
  const forPayer = resolution.outcome === 'PAYER';
  return [
    toPayer(
      resolution,
      'DISPUTE_RESOLVED',
      forPayer
        ? `${capitalised(disputeAsPayerSays(resolution))} was resolved in your favour: ${amount} is being refunded to you`
        : `${capitalised(disputeAsPayerSays(resolution))} was resolved in favour of ${resolution.payeeVpa}: nothing is refunded`,
    ),
    toPayee(
      resolution,
      'DISPUTE_RESOLVED',
      forPayer
        ? `${capitalised(disputeAsPayeeSays(resolution))} was resolved in favour of ${resolution.payerVpa}: ${amount} is being refunded from your account`
        : `${capitalised(disputeAsPayeeSays(resolution))} was resolved in your favour: nothing is refunded`,
    ),
  ];
}

/** A dispute left unreviewed past its deadline: told to operators, a notification that belongs to no VPA and no user. */
export function disputeEscalatedNotifications(escalation: PayloadOf<'DisputeEscalated'>): PlannedNotification[] {
  return [
    {
      recipientVpa: null,
      recipientUserId: null,
      type: 'DISPUTE_ESCALATED',
      message:
        `Escalated: the dispute of ${rupees(escalation.amountPaise)} about ${escalation.payerVpa}'s payment to ` +
        `${escalation.payeeVpa} has not been reviewed since it was opened at ${escalation.openedAt}`,
    },
  ];
}
