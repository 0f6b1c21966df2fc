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

export const FailureReasons = ['FRAUD_REJECTED', 'OUT_OF_STOCK', 'EXPIRED'] as const;
export type FailureReason = (typeof FailureReasons)[number];

export const FraudReasons = ['BLOCKLISTED', 'VELOCITY', 'HIGH_AMOUNT_NEW_PAYEE'] as const;
export type FraudReason = (typeof FraudReasons)[number];

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
export const PaymentFailedV1 = z
  .object({ ...paymentFacts, completedAt: isoTime, failureReason: z.enum(FailureReasons) })
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

export const NotificationTypes = ['PAYMENT_SENT', 'PAYMENT_RECEIVED', 'PAYMENT_FAILED'] as const;
export const PaymentNotifiedV1 = z
  .object({
    notifications: z.array(z.object({ recipientVpa: vpa, type: z.enum(NotificationTypes) }).strict()).min(1),
  })
  .strict();
export const PaymentRecordedV1 = z
  .object({ status: z.enum(['SUCCEEDED', 'FAILED']), latencyMs: z.number().int().nonnegative() })
  .strict();

interface CatalogEntry {
  topic: Topic;
  version: number;
  schema: z.ZodType;
}

export const EventCatalog = {
  PaymentInitiated: { topic: Topics.PaymentEvents, version: 1, schema: PaymentInitiatedV1 },
  PaymentSucceeded: { topic: Topics.PaymentEvents, version: 1, schema: PaymentSucceededV1 },
  PaymentFailed: { topic: Topics.PaymentEvents, version: 1, schema: PaymentFailedV1 },
  FraudAssessed: { topic: Topics.FraudEvents, version: 1, schema: FraudAssessedV1 },
  StockReserved: { topic: Topics.InventoryEvents, version: 1, schema: StockReservedV1 },
  StockRejected: { topic: Topics.InventoryEvents, version: 1, schema: StockRejectedV1 },
  StockCommitted: { topic: Topics.InventoryEvents, version: 1, schema: StockCommittedV1 },
  StockReleased: { topic: Topics.InventoryEvents, version: 1, schema: StockReleasedV1 },
  PaymentNotified: { topic: Topics.NotificationEvents, version: 1, schema: PaymentNotifiedV1 },
  PaymentRecorded: { topic: Topics.AnalyticsEvents, version: 1, schema: PaymentRecordedV1 },
} as const satisfies Record<string, CatalogEntry>;

export type EventType = keyof typeof EventCatalog;
export type PayloadOf<T extends EventType> = z.infer<(typeof EventCatalog)[T]['schema']>;

export const EVENT_TYPES = Object.keys(EventCatalog) as EventType[];
