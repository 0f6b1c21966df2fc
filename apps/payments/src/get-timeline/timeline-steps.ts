import { AnyPaymentEvent, formatPaise, LineItem } from '@app/contracts';

/** The steps of a payment's life, in the order they normally happen. */
export const TimelineSteps = [
  'initiated',
  'assessed',
  'reserved',
  'rejected',
  'funds reserved',
  'funds rejected',
  'succeeded',
  'failed',
  'committed',
  'released',
  'funds settled',
  'funds released',
  'notified',
  'recorded',
  'refund requested',
  'refund funds reserved',
  'refund funds rejected',
  'refund succeeded',
  'refund failed',
  'refund funds settled',
  'refund funds released',
  'dispute opened',
  'dispute under review',
  'dispute commented',
  'dispute escalated',
  'dispute resolved',
  'dispute withdrawn',
] as const;
export type TimelineStep = (typeof TimelineSteps)[number];

/** Where a step sits in a payment's life: orders steps stamped in the same millisecond. */
const STAGE: Record<TimelineStep, number> = {
  initiated: 0,
  assessed: 1,
  reserved: 2,
  rejected: 2,
  'funds reserved': 2,
  'funds rejected': 2,
  succeeded: 3,
  failed: 3,
  committed: 4,
  released: 4,
  'funds settled': 4,
  'funds released': 4,
  notified: 5,
  recorded: 6,
  // A refund's and a dispute's steps come after the payment's, in their own order.
  'dispute opened': 7,
  'dispute under review': 8,
  'dispute commented': 8,
  'dispute escalated': 8,
  'dispute resolved': 9,
  'dispute withdrawn': 9,
  'refund requested': 10,
  'refund funds reserved': 11,
  'refund funds rejected': 11,
  'refund succeeded': 12,
  'refund failed': 12,
  'refund funds settled': 13,
  'refund funds released': 13,
};

export interface StepOf {
  step: TimelineStep;
  /** What the step decided or did, in a few words; null when the step itself says it all. */
  outcome: string | null;
}

const describeItems = (items: LineItem[]) => items.map((item) => `${item.quantity} × ${item.sku}`).join(', ');

/** The timeline step a lifecycle event marks. Every event type is one step; the names are the API's. */
export function stepOf(event: AnyPaymentEvent): StepOf {
  switch (event.type) {
    case 'PaymentInitiated':
      return { step: 'initiated', outcome: `${formatPaise(event.payload.amountPaise)} ${event.payload.currency}` };
    case 'FraudAssessed': {
      const { decision, reasons } = event.payload;
      return { step: 'assessed', outcome: reasons.length > 0 ? `${decision}: ${reasons.join(', ')}` : decision };
    }
    case 'StockReserved':
      return { step: 'reserved', outcome: describeItems(event.payload.items) };
    case 'StockRejected': {
      const { reason, skus } = event.payload;
      return { step: 'rejected', outcome: ['OUT_OF_STOCK:', reason, skus.join(', ')].filter(Boolean).join(' ') };
    }
    case 'PaymentSucceeded':
      return { step: 'succeeded', outcome: null };
    case 'PaymentFailed':
      return { step: 'failed', outcome: event.payload.failureReason };
    case 'StockCommitted':
      return { step: 'committed', outcome: describeItems(event.payload.items) };
    case 'StockReleased':
      return { step: 'released', outcome: describeItems(event.payload.items) };
    case 'FundsReserved':
      return { step: 'funds reserved', outcome: `${formatPaise(event.payload.amountPaise)} held on ${event.payload.payerVpa}` };
    case 'FundsRejected':
      return { step: 'funds rejected', outcome: event.payload.reason };
    case 'FundsSettled':
      return {
        step: 'funds settled',
        outcome: `${formatPaise(event.payload.amountPaise)} ${event.payload.payerVpa} → ${event.payload.payeeVpa}`,
      };
    case 'FundsReleased':
      return { step: 'funds released', outcome: `${formatPaise(event.payload.amountPaise)} back to ${event.payload.payerVpa}` };
    case 'PaymentNotified':
      return { step: 'notified', outcome: event.payload.notifications.map((n) => `${n.type} ${n.recipientVpa ?? 'operators'}`).join(', ') };
    case 'PaymentRecorded':
      return { step: 'recorded', outcome: `${event.payload.status} in ${event.payload.latencyMs} ms` };
    case 'RefundRequested': {
      const { amountPaise, refundId, disputeId } = event.payload;
      return {
        step: 'refund requested',
        outcome: `${formatPaise(amountPaise)} (refund ${refundId}${disputeId ? `, dispute ${disputeId}` : ''})`,
      };
    }
    case 'RefundFundsReserved':
      return { step: 'refund funds reserved', outcome: `${formatPaise(event.payload.amountPaise)} held on ${event.payload.fromVpa}` };
    case 'RefundFundsRejected':
      return { step: 'refund funds rejected', outcome: event.payload.reason };
    case 'RefundSucceeded':
      return { step: 'refund succeeded', outcome: `${formatPaise(event.payload.amountPaise)} (refund ${event.payload.refundId})` };
    case 'RefundFailed':
      return { step: 'refund failed', outcome: `${event.payload.failureReason} (refund ${event.payload.refundId})` };
    case 'RefundFundsSettled':
      return {
        step: 'refund funds settled',
        outcome: `${formatPaise(event.payload.amountPaise)} ${event.payload.fromVpa} → ${event.payload.toVpa}`,
      };
    case 'RefundFundsReleased':
      return { step: 'refund funds released', outcome: `${formatPaise(event.payload.amountPaise)} back to ${event.payload.fromVpa}` };
    case 'DisputeOpened':
      return {
        step: 'dispute opened',
        outcome: `${event.payload.reason}, ${formatPaise(event.payload.amountPaise)} (dispute ${event.payload.disputeId})`,
      };
    case 'DisputeReviewStarted':
      return { step: 'dispute under review', outcome: null };
    case 'DisputeCommented':
      return { step: 'dispute commented', outcome: `by the ${event.payload.authorRole.toLowerCase()}` };
    case 'DisputeEscalated':
      return { step: 'dispute escalated', outcome: 'not reviewed in time' };
    case 'DisputeResolved':
      return { step: 'dispute resolved', outcome: `for the ${event.payload.outcome.toLowerCase()}` };
    case 'DisputeWithdrawn':
      return { step: 'dispute withdrawn', outcome: null };
  }
}

/** One step as stored. */
export interface TimelineRow {
  eventId: string;
  step: TimelineStep;
  service: string;
  occurredAt: Date;
  outcome: string | null;
}

/**
 * Steps by the time their event happened. Steps stamped in the same millisecond (by different
 * services, or one reacting at once) follow the usual order of a payment's life; the event id
 * makes the order total, so a timeline reads the same on every request.
 */
export function orderSteps(rows: TimelineRow[]): TimelineRow[] {
  return [...rows].sort(
    (a, b) =>
      a.occurredAt.getTime() - b.occurredAt.getTime() ||
      STAGE[a.step] - STAGE[b.step] ||
      (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0),
  );
}

/** The trace viewer's page for a trace; none without a trace. */
export function traceUrlFor(template: string, traceId: string | null): string | null {
  return traceId === null ? null : template.replaceAll('{traceId}', traceId);
}
