import { z } from 'zod';
import { Topic, Topics } from './topics';
import { VPA_PATTERN } from './vpa';

/*
 * The event catalogue: every event type, the topic it travels on, its current schema version and
 * its payload validator. Producers and consumers share these definitions and nothing else.
 * A breaking change adds a new version next to the old one; consumers reject versions they do
 * not know (the message is dead-lettered, never silently misread).
 */

const vpa = z.string().regex(VPA_PATTERN);
const paise = z.number().int().nonnegative();
const isoTime = z.iso.datetime({ offset: true });

export const LineItemSchema = z.object({ sku: z.string().min(1).max(64), quantity: z.number().int().positive() }).strict();
export type LineItem = z.infer<typeof LineItemSchema>;

/** Why the ledger refused to hold a payment's amount (money.md). */
export const FundsRejectionReasons = ['INSUFFICIENT_FUNDS', 'DAILY_LIMIT_EXCEEDED', 'ACCOUNT_CLOSED'] as const;
export type FundsRejectionReason = (typeof FundsRejectionReasons)[number];

export const FailureReasons = ['FRAUD_REJECTED', 'OUT_OF_STOCK', 'EXPIRED', ...FundsRejectionReasons] as const;
export type FailureReason = (typeof FailureReasons)[number];

export const FraudReasons = ['BLOCKLISTED', 'VELOCITY', 'HIGH_AMOUNT_NEW_PAYEE'] as const;
export type FraudReason = (typeof FraudReasons)[number];

const userId = z.uuid();

const paymentFacts = {
  payerVpa: vpa,
  payeeVpa: vpa,
  amountPaise: paise,
  currency: z.literal('INR'),
  items: z.array(LineItemSchema),
  createdAt: isoTime,
};

export const PaymentInitiatedV1 = z.object(paymentFacts).strict();
export const PaymentSucceededV1 = z.object({ ...paymentFacts, completedAt: isoTime }).strict();
export const PaymentFailedV1 = z.object({ ...paymentFacts, completedAt: isoTime, failureReason: z.enum(FailureReasons) }).strict();

/**
 * v2: the payer's and the payee's user ids at the time of the payment, so that every service
 * decides reads by them without a projection of its own. Payments made before identities existed
 * (v1) belong to nobody: `null`.
 */
const parties = { payerUserId: userId.nullable(), payeeUserId: userId.nullable() };
export const PaymentInitiatedV2 = PaymentInitiatedV1.extend(parties).strict();
export const PaymentSucceededV2 = PaymentSucceededV1.extend(parties).strict();
export const PaymentFailedV2 = PaymentFailedV1.extend(parties).strict();
const withoutParties = (payload: object) => ({ ...payload, payerUserId: null, payeeUserId: null });

/** The users service's facts about who holds which VPA (on `users.user-events`, keyed by user id). */
export const UserRegisteredV1 = z.object({ registeredAt: isoTime, roles: z.array(z.string().min(1)) }).strict();
export const VpaLinkedV1 = z.object({ vpa, linkedAt: isoTime }).strict();
export const VpaUnlinkedV1 = z.object({ vpa, unlinkedAt: isoTime }).strict();
export const UserDeregisteredV1 = z.object({ vpas: z.array(vpa), deregisteredAt: isoTime }).strict();

/**
 * What an operator did through a service, for the users service's audit log (keyed by the
 * operator's user id): the route, the resource, the answer's status and the client's address.
 */
export const OperatorActedV1 = z
  .object({
    service: z.string().min(1).max(64),
    action: z.string().min(1).max(200),
    resource: z.string().min(1).max(2000),
    status: z.number().int().min(100).max(599),
    origin: z.string().max(100).nullable(),
    actedAt: isoTime,
  })
  .strict();

export const FraudAssessedV1 = z
  .object({
    decision: z.enum(['APPROVED', 'REJECTED']),
    score: z.number().int().min(0).max(100),
    reasons: z.array(z.enum(FraudReasons)),
    assessedAt: isoTime,
  })
  .strict();

export const StockReservedV1 = z.object({ items: z.array(LineItemSchema).min(1) }).strict();
export const StockRejectedV1 = z
  .object({
    items: z.array(LineItemSchema).min(1),
    reason: z.enum(['UNKNOWN_SKU', 'INSUFFICIENT_STOCK']),
    skus: z.array(z.string()),
  })
  .strict();
export const StockCommittedV1 = z.object({ items: z.array(LineItemSchema).min(1) }).strict();
export const StockReleasedV1 = z.object({ items: z.array(LineItemSchema).min(1) }).strict();

/**
 * The ledger's answers about a payment's money (on `ledger.ledger-events`, keyed by payment id):
 * the payer's amount held, or refused with a reason; then the hold posted (payer debited, payee
 * credited) or voided.
 */
const fundsFacts = { payerVpa: vpa, payeeVpa: vpa, amountPaise: paise };
export const FundsReservedV1 = z.object({ ...fundsFacts, reservedAt: isoTime }).strict();
export const FundsRejectedV1 = z.object({ ...fundsFacts, reason: z.enum(FundsRejectionReasons), rejectedAt: isoTime }).strict();
export const FundsSettledV1 = z.object({ ...fundsFacts, settledAt: isoTime }).strict();
export const FundsReleasedV1 = z.object({ ...fundsFacts, releasedAt: isoTime }).strict();

/**
 * Refunds (disputes.md): the payments service decides them, as it decides payments. Each event
 * names the refund and repeats the payment's parties; `payerVpa` is the payment's payer, who
 * receives the refund, `payeeVpa` its payee, who gives it. Keyed by the payment's id, so a
 * payment's refunds stay in order with the payment.
 */
export const RefundFailureReasons = ['INSUFFICIENT_FUNDS', 'ACCOUNT_CLOSED', 'EXPIRED', 'EXCEEDS_PAYMENT'] as const;
export type RefundFailureReason = (typeof RefundFailureReasons)[number];
const refundFacts = {
  refundId: z.uuid(),
  payerVpa: vpa,
  payeeVpa: vpa,
  amountPaise: paise,
  currency: z.literal('INR'),
  reason: z.string().min(1).max(100),
  /** The dispute whose resolution made this refund; null for a refund the payee or an operator asked for. */
  disputeId: z.uuid().nullable(),
  /** Who asked: the payee's user or an operator (for a dispute, the operator who resolved it). */
  requestedByUserId: userId,
  ...parties,
  requestedAt: isoTime,
};
export const RefundRequestedV1 = z.object(refundFacts).strict();
export const RefundSucceededV1 = z.object({ ...refundFacts, completedAt: isoTime }).strict();
export const RefundFailedV1 = z.object({ ...refundFacts, failureReason: z.enum(RefundFailureReasons), completedAt: isoTime }).strict();

/**
 * The ledger's answers about a refund's money: the amount held on the account that gives it back
 * (`fromVpa`, the payment's payee), or refused; then posted to `toVpa` (the payment's payer), or voided.
 */
export const RefundFundsRejectionReasons = ['INSUFFICIENT_FUNDS', 'ACCOUNT_CLOSED'] as const;
const refundFundsFacts = { refundId: z.uuid(), fromVpa: vpa, toVpa: vpa, amountPaise: paise };
export const RefundFundsReservedV1 = z.object({ ...refundFundsFacts, reservedAt: isoTime }).strict();
export const RefundFundsRejectedV1 = z
  .object({ ...refundFundsFacts, reason: z.enum(RefundFundsRejectionReasons), rejectedAt: isoTime })
  .strict();
export const RefundFundsSettledV1 = z.object({ ...refundFundsFacts, settledAt: isoTime }).strict();
export const RefundFundsReleasedV1 = z.object({ ...refundFundsFacts, releasedAt: isoTime }).strict();

/**
 * Disputes (disputes.md), on `disputes.dispute-events`, keyed by the disputed payment's id. Every
 * event repeats the dispute's parties, so that notifications need no projection of their own.
 * Descriptions and comment texts stay in the disputes service: they are the parties' words.
 */
export const DisputeReasons = ['NOT_RECEIVED', 'DUPLICATE', 'UNAUTHORIZED', 'OTHER'] as const;
export type DisputeReason = (typeof DisputeReasons)[number];
export const DisputeOutcomes = ['PAYER', 'PAYEE'] as const;
export type DisputeOutcome = (typeof DisputeOutcomes)[number];
const disputeFacts = {
  disputeId: z.uuid(),
  payerVpa: vpa,
  payeeVpa: vpa,
  ...parties,
  amountPaise: paise,
  reason: z.enum(DisputeReasons),
};
export const DisputeOpenedV1 = z.object({ ...disputeFacts, openedAt: isoTime }).strict();
export const DisputeReviewStartedV1 = z.object({ ...disputeFacts, reviewerUserId: userId, reviewStartedAt: isoTime }).strict();
export const DisputeCommentedV1 = z
  .object({
    ...disputeFacts,
    commentId: z.uuid(),
    authorUserId: userId,
    /** Whom the author speaks as: the other parties are told. */
    authorRole: z.enum(['PAYER', 'PAYEE', 'OPERATOR']),
    commentedAt: isoTime,
  })
  .strict();
export const DisputeEscalatedV1 = z.object({ ...disputeFacts, openedAt: isoTime, escalatedAt: isoTime }).strict();
export const DisputeResolvedV1 = z
  .object({ ...disputeFacts, outcome: z.enum(DisputeOutcomes), resolvedByUserId: userId, resolvedAt: isoTime })
  .strict();
export const DisputeWithdrawnV1 = z.object({ ...disputeFacts, withdrawnAt: isoTime }).strict();

export const NotificationTypes = [
  'PAYMENT_SENT',
  'PAYMENT_RECEIVED',
  'PAYMENT_FAILED',
  'REFUND_SENT',
  'REFUND_RECEIVED',
  'REFUND_FAILED',
  'DISPUTE_OPENED',
  'DISPUTE_COMMENTED',
  'DISPUTE_ESCALATED',
  'DISPUTE_RESOLVED',
] as const;
export type NotificationType = (typeof NotificationTypes)[number];
/**
 * The notifications one event made. `recipientVpa` null: a notification for operators (an
 * escalated dispute), which belongs to no VPA. Loosened in place (v1 messages still parse).
 */
export const PaymentNotifiedV1 = z
  .object({
    notifications: z.array(z.object({ recipientVpa: vpa.nullable(), type: z.enum(NotificationTypes) }).strict()).min(1),
  })
  .strict();
export const PaymentRecordedV1 = z.object({ status: z.enum(['SUCCEEDED', 'FAILED']), latencyMs: z.number().int().nonnegative() }).strict();

/**
 * One version of an event's payload. Every version but the newest says how to `upgrade` its
 * payload to the next one, so a consumer receives every event in the newest shape (and an event
 * written before a change is still understood after it).
 */
export interface EventVersion {
  version: number;
  schema: z.ZodType;
  upgrade?: (payload: never) => unknown;
}

/** What an event is about: its envelope carries `paymentId` or `userId`, and that id is its message key. */
export type Subject = 'payment' | 'user';

interface CatalogEntry {
  topic: Topic;
  subject: Subject;
  /** Oldest first; producers write the last one. */
  versions: readonly [...EventVersion[], EventVersion];
}

const v1 = <S extends z.ZodType>(schema: S) => [{ version: 1, schema }] as const;
const v2 = <S1 extends z.ZodType, S2 extends z.ZodType>(first: S1, second: S2) =>
  [
    { version: 1, schema: first, upgrade: withoutParties },
    { version: 2, schema: second },
  ] as const;
const payment = 'payment' as const;

/** Evolving an event: add its next version at the end of its list, with `upgrade` on the one before. */
export const EventCatalog = {
  PaymentInitiated: { topic: Topics.PaymentEvents, subject: payment, versions: v2(PaymentInitiatedV1, PaymentInitiatedV2) },
  PaymentSucceeded: { topic: Topics.PaymentEvents, subject: payment, versions: v2(PaymentSucceededV1, PaymentSucceededV2) },
  PaymentFailed: { topic: Topics.PaymentEvents, subject: payment, versions: v2(PaymentFailedV1, PaymentFailedV2) },
  FraudAssessed: { topic: Topics.FraudEvents, subject: payment, versions: v1(FraudAssessedV1) },
  StockReserved: { topic: Topics.InventoryEvents, subject: payment, versions: v1(StockReservedV1) },
  StockRejected: { topic: Topics.InventoryEvents, subject: payment, versions: v1(StockRejectedV1) },
  StockCommitted: { topic: Topics.InventoryEvents, subject: payment, versions: v1(StockCommittedV1) },
  StockReleased: { topic: Topics.InventoryEvents, subject: payment, versions: v1(StockReleasedV1) },
  FundsReserved: { topic: Topics.LedgerEvents, subject: payment, versions: v1(FundsReservedV1) },
  FundsRejected: { topic: Topics.LedgerEvents, subject: payment, versions: v1(FundsRejectedV1) },
  FundsSettled: { topic: Topics.LedgerEvents, subject: payment, versions: v1(FundsSettledV1) },
  FundsReleased: { topic: Topics.LedgerEvents, subject: payment, versions: v1(FundsReleasedV1) },
  RefundRequested: { topic: Topics.PaymentEvents, subject: payment, versions: v1(RefundRequestedV1) },
  RefundSucceeded: { topic: Topics.PaymentEvents, subject: payment, versions: v1(RefundSucceededV1) },
  RefundFailed: { topic: Topics.PaymentEvents, subject: payment, versions: v1(RefundFailedV1) },
  RefundFundsReserved: { topic: Topics.LedgerEvents, subject: payment, versions: v1(RefundFundsReservedV1) },
  RefundFundsRejected: { topic: Topics.LedgerEvents, subject: payment, versions: v1(RefundFundsRejectedV1) },
  RefundFundsSettled: { topic: Topics.LedgerEvents, subject: payment, versions: v1(RefundFundsSettledV1) },
  RefundFundsReleased: { topic: Topics.LedgerEvents, subject: payment, versions: v1(RefundFundsReleasedV1) },
  DisputeOpened: { topic: Topics.DisputeEvents, subject: payment, versions: v1(DisputeOpenedV1) },
  DisputeReviewStarted: { topic: Topics.DisputeEvents, subject: payment, versions: v1(DisputeReviewStartedV1) },
  DisputeCommented: { topic: Topics.DisputeEvents, subject: payment, versions: v1(DisputeCommentedV1) },
  DisputeEscalated: { topic: Topics.DisputeEvents, subject: payment, versions: v1(DisputeEscalatedV1) },
  DisputeResolved: { topic: Topics.DisputeEvents, subject: payment, versions: v1(DisputeResolvedV1) },
  DisputeWithdrawn: { topic: Topics.DisputeEvents, subject: payment, versions: v1(DisputeWithdrawnV1) },
  PaymentNotified: { topic: Topics.NotificationEvents, subject: payment, versions: v1(PaymentNotifiedV1) },
  PaymentRecorded: { topic: Topics.AnalyticsEvents, subject: payment, versions: v1(PaymentRecordedV1) },
  UserRegistered: { topic: Topics.UserEvents, subject: 'user', versions: v1(UserRegisteredV1) },
  VpaLinked: { topic: Topics.UserEvents, subject: 'user', versions: v1(VpaLinkedV1) },
  VpaUnlinked: { topic: Topics.UserEvents, subject: 'user', versions: v1(VpaUnlinkedV1) },
  UserDeregistered: { topic: Topics.UserEvents, subject: 'user', versions: v1(UserDeregisteredV1) },
  OperatorActed: { topic: Topics.OperatorActions, subject: 'user', versions: v1(OperatorActedV1) },
} as const satisfies Record<string, CatalogEntry>;

export type EventType = keyof typeof EventCatalog;
export type UserEventType = { [T in EventType]: (typeof EventCatalog)[T]['subject'] extends 'user' ? T : never }[EventType];
export type PaymentEventType = Exclude<EventType, UserEventType>;

type Last<A extends readonly unknown[]> = A extends readonly [...unknown[], infer L] ? L : never;
type CurrentVersion<T extends EventType> = Last<(typeof EventCatalog)[T]['versions']>;

/** The payload of an event type, in its newest version. */
export type PayloadOf<T extends EventType> = z.infer<CurrentVersion<T> extends { schema: infer S extends z.ZodType } ? S : never>;

export const EVENT_TYPES = Object.keys(EventCatalog) as EventType[];
export const USER_EVENT_TYPES = EVENT_TYPES.filter((type) => EventCatalog[type].subject === 'user') as UserEventType[];
export const PAYMENT_EVENT_TYPES = EVENT_TYPES.filter((type) => EventCatalog[type].subject === 'payment') as PaymentEventType[];

/** The version producers write. */
export function currentVersion(type: EventType): number {
  const { versions } = EventCatalog[type] as CatalogEntry;
  return versions[versions.length - 1].version;
}

export type UpgradeResult = { ok: true; payload: unknown } | { ok: false; error: string };

/**
 * Validates a payload of the given version and brings it to the newest version, validating each
 * step; says precisely what is wrong otherwise.
 */
export function upgradePayload(type: EventType, version: number, payload: unknown): UpgradeResult {
  return upgradeThrough((EventCatalog[type] as CatalogEntry).versions, type, version, payload);
}

/** `upgradePayload` over any list of versions (oldest first). */
export function upgradeThrough(versions: readonly EventVersion[], type: string, version: number, payload: unknown): UpgradeResult {
  const from = versions.findIndex((v) => v.version === version);
  if (from < 0) return { ok: false, error: `unsupported schemaVersion ${version} for ${type}` };
  let current = payload;
  for (let i = from; i < versions.length; i++) {
    const parsed = versions[i].schema.safeParse(current);
    if (!parsed.success) return { ok: false, error: `${type} v${versions[i].version} payload: ${describeIssues(parsed.error)}` };
    current = i < versions.length - 1 ? versions[i].upgrade!(parsed.data as never) : parsed.data;
  }
  return { ok: true, payload: current };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}
