import { AnyPaymentEvent, createEvent, PAYMENT_EVENT_TYPES } from '@app/contracts';
import { orderSteps, stepOf, TimelineRow, traceUrlFor } from './timeline-steps';
import { toTimelineView } from './timeline.view';

const paymentId = '0b9d5c1e-1111-4222-8333-444455556666';
const createdAt = '2026-11-21T10:00:00.000Z';
const facts = {
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise: 12550,
  currency: 'INR' as const,
  items: [{ sku: 'SKU-1', quantity: 2 }],
  createdAt,
  payerUserId: null,
  payeeUserId: null,
};
const money = { payerVpa: 'alice@okbank', payeeVpa: 'bob@okbank', amountPaise: 12550 };
const refundId = '5f0c7a2e-2222-4333-8444-555566667777';
const disputeId = '7a1d2b3c-3333-4444-8555-666677778888';
const userId = '9e8d7c6b-4444-4555-8666-777788889999';
const parties = { payerVpa: 'alice@okbank', payeeVpa: 'bob@okbank', payerUserId: null, payeeUserId: null };
const refund = {
  ...parties,
  refundId,
  amountPaise: 2550,
  currency: 'INR' as const,
  reason: 'returned',
  disputeId: null,
  requestedByUserId: userId,
};
const refundMoney = { refundId, fromVpa: 'bob@okbank', toVpa: 'alice@okbank', amountPaise: 2550 };
const dispute = { ...parties, disputeId, amountPaise: 2550, reason: 'NOT_RECEIVED' as const };
const items = [
  { sku: 'SKU-1', quantity: 2 },
  { sku: 'SKU-2', quantity: 1 },
];

const cases: Array<[string, AnyPaymentEvent, string, string | null]> = [
  ['an initiated payment', createEvent('PaymentInitiated', paymentId, facts, 'payments'), 'initiated', '125.50 INR'],
  [
    'an approval',
    createEvent('FraudAssessed', paymentId, { decision: 'APPROVED', score: 5, reasons: [], assessedAt: createdAt }, 'fraud'),
    'assessed',
    'APPROVED',
  ],
  [
    'a rejection with its reasons',
    createEvent(
      'FraudAssessed',
      paymentId,
      { decision: 'REJECTED', score: 100, reasons: ['BLOCKLISTED', 'VELOCITY'], assessedAt: createdAt },
      'fraud',
    ),
    'assessed',
    'REJECTED: BLOCKLISTED, VELOCITY',
  ],
  ['a reservation', createEvent('StockReserved', paymentId, { items }, 'inventory'), 'reserved', '2 × SKU-1, 1 × SKU-2'],
  [
    'a stock rejection',
    createEvent('StockRejected', paymentId, { items, reason: 'INSUFFICIENT_STOCK', skus: ['SKU-1'] }, 'inventory'),
    'rejected',
    'OUT_OF_STOCK: INSUFFICIENT_STOCK SKU-1',
  ],
  [
    'a stock rejection naming no sku',
    createEvent('StockRejected', paymentId, { items, reason: 'UNKNOWN_SKU', skus: [] }, 'inventory'),
    'rejected',
    'OUT_OF_STOCK: UNKNOWN_SKU',
  ],
  [
    'the funds held',
    createEvent('FundsReserved', paymentId, { ...money, reservedAt: createdAt }, 'ledger'),
    'funds reserved',
    '125.50 held on alice@okbank',
  ],
  [
    'the funds refused, with the reason',
    createEvent('FundsRejected', paymentId, { ...money, reason: 'DAILY_LIMIT_EXCEEDED', rejectedAt: createdAt }, 'ledger'),
    'funds rejected',
    'DAILY_LIMIT_EXCEEDED',
  ],
  [
    'the funds posted',
    createEvent('FundsSettled', paymentId, { ...money, settledAt: createdAt }, 'ledger'),
    'funds settled',
    '125.50 alice@okbank → bob@okbank',
  ],
  [
    'the hold voided',
    createEvent('FundsReleased', paymentId, { ...money, releasedAt: createdAt }, 'ledger'),
    'funds released',
    '125.50 back to alice@okbank',
  ],
  ['a success', createEvent('PaymentSucceeded', paymentId, { ...facts, completedAt: createdAt }, 'payments'), 'succeeded', null],
  [
    'a failure, with its reason',
    createEvent('PaymentFailed', paymentId, { ...facts, completedAt: createdAt, failureReason: 'OUT_OF_STOCK' }, 'payments'),
    'failed',
    'OUT_OF_STOCK',
  ],
  ['a commit', createEvent('StockCommitted', paymentId, { items }, 'inventory'), 'committed', '2 × SKU-1, 1 × SKU-2'],
  ['a release', createEvent('StockReleased', paymentId, { items: [items[1]] }, 'inventory'), 'released', '1 × SKU-2'],
  [
    'the notifications',
    createEvent(
      'PaymentNotified',
      paymentId,
      {
        notifications: [
          { recipientVpa: 'alice@okbank', type: 'PAYMENT_SENT' },
          { recipientVpa: 'bob@okbank', type: 'PAYMENT_RECEIVED' },
        ],
      },
      'notifications',
    ),
    'notified',
    'PAYMENT_SENT alice@okbank, PAYMENT_RECEIVED bob@okbank',
  ],
  [
    'a notification for operators',
    createEvent('PaymentNotified', paymentId, { notifications: [{ recipientVpa: null, type: 'DISPUTE_ESCALATED' }] }, 'notifications'),
    'notified',
    'DISPUTE_ESCALATED operators',
  ],
  [
    'a refund asked for',
    createEvent('RefundRequested', paymentId, { ...refund, requestedAt: createdAt }, 'payments'),
    'refund requested',
    `25.50 (refund ${refundId})`,
  ],
  [
    'a refund a dispute asked for',
    createEvent('RefundRequested', paymentId, { ...refund, disputeId, requestedAt: createdAt }, 'payments'),
    'refund requested',
    `25.50 (refund ${refundId}, dispute ${disputeId})`,
  ],
  [
    "the refund's funds held",
    createEvent('RefundFundsReserved', paymentId, { ...refundMoney, reservedAt: createdAt }, 'ledger'),
    'refund funds reserved',
    '25.50 held on bob@okbank',
  ],
  [
    "the refund's funds refused",
    createEvent('RefundFundsRejected', paymentId, { ...refundMoney, reason: 'INSUFFICIENT_FUNDS', rejectedAt: createdAt }, 'ledger'),
    'refund funds rejected',
    'INSUFFICIENT_FUNDS',
  ],
  [
    'a refund made',
    createEvent('RefundSucceeded', paymentId, { ...refund, requestedAt: createdAt, completedAt: createdAt }, 'payments'),
    'refund succeeded',
    `25.50 (refund ${refundId})`,
  ],
  [
    'a refund failed',
    createEvent(
      'RefundFailed',
      paymentId,
      { ...refund, requestedAt: createdAt, completedAt: createdAt, failureReason: 'EXPIRED' },
      'payments',
    ),
    'refund failed',
    `EXPIRED (refund ${refundId})`,
  ],
  [
    "the refund's funds posted",
    createEvent('RefundFundsSettled', paymentId, { ...refundMoney, settledAt: createdAt }, 'ledger'),
    'refund funds settled',
    '25.50 bob@okbank → alice@okbank',
  ],
  [
    "the refund's hold voided",
    createEvent('RefundFundsReleased', paymentId, { ...refundMoney, releasedAt: createdAt }, 'ledger'),
    'refund funds released',
    '25.50 back to bob@okbank',
  ],
  [
    'a dispute opened',
    createEvent('DisputeOpened', paymentId, { ...dispute, openedAt: createdAt }, 'disputes'),
    'dispute opened',
    `NOT_RECEIVED, 25.50 (dispute ${disputeId})`,
  ],
  [
    'a dispute taken up',
    createEvent('DisputeReviewStarted', paymentId, { ...dispute, reviewerUserId: userId, reviewStartedAt: createdAt }, 'disputes'),
    'dispute under review',
    null,
  ],
  [
    'a comment on a dispute',
    createEvent(
      'DisputeCommented',
      paymentId,
      { ...dispute, commentId: refundId, authorUserId: userId, authorRole: 'PAYEE', commentedAt: createdAt },
      'disputes',
    ),
    'dispute commented',
    'by the payee',
  ],
  [
    'a dispute escalated',
    createEvent('DisputeEscalated', paymentId, { ...dispute, openedAt: createdAt, escalatedAt: createdAt }, 'disputes'),
    'dispute escalated',
    'not reviewed in time',
  ],
  [
    'a dispute resolved',
    createEvent(
      'DisputeResolved',
      paymentId,
      { ...dispute, outcome: 'PAYER', resolvedByUserId: userId, resolvedAt: createdAt },
      'disputes',
    ),
    'dispute resolved',
    'for the payer',
  ],
  [
    'a dispute withdrawn',
    createEvent('DisputeWithdrawn', paymentId, { ...dispute, withdrawnAt: createdAt }, 'disputes'),
    'dispute withdrawn',
    null,
  ],
  [
    'the analytics record',
    createEvent('PaymentRecorded', paymentId, { status: 'FAILED', latencyMs: 1250 }, 'analytics'),
    'recorded',
    'FAILED in 1250 ms',
  ],
];

describe('the step an event marks', () => {
  it.each(cases)('%s', (_, event, step, outcome) => {
    expect(stepOf(event)).toEqual({ step, outcome });
  });

  it('is covered above for every event type of the catalogue', () => {
    // a new event type needs its step (the compiler insists too) and a case here
    expect([...new Set(cases.map(([, event]) => event.type))].sort()).toEqual([...PAYMENT_EVENT_TYPES].sort());
  });
});

const row = (step: TimelineRow['step'], at: string, eventId: string, outcome: string | null = null): TimelineRow => ({
  eventId,
  step,
  service: 'svc',
  occurredAt: new Date(at),
  outcome,
});

describe('the order of steps', () => {
  it('is the order of the times the events happened', () => {
    const rows = [
      row('recorded', '2026-11-21T10:00:00.300Z', 'a'),
      row('initiated', '2026-11-21T10:00:00.000Z', 'b'),
      // a late fact comes where it happened, after the outcome it no longer changes
      row('assessed', '2026-11-21T10:00:00.200Z', 'c'),
      row('failed', '2026-11-21T10:00:00.100Z', 'd'),
    ];
    expect(orderSteps(rows).map((r) => r.step)).toEqual(['initiated', 'failed', 'assessed', 'recorded']);
  });

  it('follows the usual life of a payment within one millisecond, then the event id', () => {
    const at = '2026-11-21T10:00:00.000Z';
    const rows = [
      row('recorded', at, '1'),
      row('notified', at, '2'),
      row('committed', at, '3'),
      row('succeeded', at, '4'),
      row('reserved', at, '5'),
      row('assessed', at, '7'),
      row('assessed', at, '6'),
      row('initiated', at, '8'),
    ];
    expect(orderSteps(rows).map((r) => `${r.step}:${r.eventId}`)).toEqual([
      'initiated:8',
      'assessed:6',
      'assessed:7',
      'reserved:5',
      'succeeded:4',
      'committed:3',
      'notified:2',
      'recorded:1',
    ]);
  });

  it('leaves the rows it was given as they were', () => {
    const rows = [row('failed', '2026-11-21T10:00:01.000Z', 'a'), row('initiated', '2026-11-21T10:00:00.000Z', 'b')];
    orderSteps(rows);
    expect(rows.map((r) => r.step)).toEqual(['failed', 'initiated']);
  });
});

describe('the link to the trace', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

  it('puts the trace id where the template says', () => {
    expect(traceUrlFor('http://127.0.0.1:9411/zipkin/traces/{traceId}', traceId)).toBe(`http://127.0.0.1:9411/zipkin/traces/${traceId}`);
    expect(traceUrlFor('https://viewer.example/t/{traceId}?id={traceId}', traceId)).toBe(
      `https://viewer.example/t/${traceId}?id=${traceId}`,
    );
  });

  it('is null without a trace', () => {
    expect(traceUrlFor('http://127.0.0.1:9411/zipkin/traces/{traceId}', null)).toBeNull();
  });
});

describe('the timeline view', () => {
  it('lists the steps in order with their service, time and outcome, and links the trace', () => {
    const rows = [
      { ...row('failed', '2026-11-21T10:00:01.000Z', 'b', 'FRAUD_REJECTED'), service: 'payments' },
      { ...row('initiated', '2026-11-21T10:00:00.000Z', 'a', '125.50 INR'), service: 'payments' },
    ];
    expect(toTimelineView(paymentId, 'ab'.repeat(16), rows, 'http://viewer/{traceId}')).toEqual({
      paymentId,
      traceId: 'ab'.repeat(16),
      traceUrl: `http://viewer/${'ab'.repeat(16)}`,
      steps: [
        { step: 'initiated', service: 'payments', at: '2026-11-21T10:00:00.000Z', outcome: '125.50 INR' },
        { step: 'failed', service: 'payments', at: '2026-11-21T10:00:01.000Z', outcome: 'FRAUD_REJECTED' },
      ],
    });
  });

  it('has no link and no steps for a payment without a trace and with nothing recorded', () => {
    expect(toTimelineView(paymentId, null, [], 'http://viewer/{traceId}')).toEqual({ paymentId, traceId: null, traceUrl: null, steps: [] });
  });
});
