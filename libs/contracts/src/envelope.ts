import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  currentVersion,
  describeIssues,
  EventCatalog,
  EventType,
  PayloadOf,
  PaymentEventType,
  upgradePayload,
  UserEventType,
} from './events';

/**
 * What every event carries, whatever its type: the id of its subject, `paymentId` for the events of
 * a payment's life, `userId` for the users service's (the catalog says which type has which).
 */
export const EnvelopeSchema = z
  .object({
    eventId: z.uuid(),
    type: z.string().min(1),
    schemaVersion: z.number().int().positive(),
    paymentId: z.uuid().optional(),
    userId: z.uuid().optional(),
    occurredAt: z.iso.datetime({ offset: true }),
    producer: z.string().min(1),
    payload: z.unknown(),
  })
  .strict();

type SubjectIdOf<T extends EventType> = T extends UserEventType ? { userId: string } : { paymentId: string };

export type DomainEvent<T extends EventType = EventType> = {
  eventId: string;
  type: T;
  schemaVersion: number;
  occurredAt: string;
  producer: string;
  payload: PayloadOf<T>;
} & SubjectIdOf<T>;

export type AnyDomainEvent = { [T in EventType]: DomainEvent<T> }[EventType];
/** Any event of a payment's life (every type but the users service's). */
export type AnyPaymentEvent = { [T in PaymentEventType]: DomainEvent<T> }[PaymentEventType];

/** `subjectId` is the payment's id, or the user's for a user event. */
export function createEvent<T extends EventType>(
  type: T,
  subjectId: string,
  payload: PayloadOf<T>,
  producer: string,
  occurredAt: Date = new Date(),
): DomainEvent<T> {
  const subject = EventCatalog[type].subject === 'user' ? { userId: subjectId } : { paymentId: subjectId };
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: currentVersion(type),
    ...subject,
    occurredAt: occurredAt.toISOString(),
    producer,
    payload,
  } as unknown as DomainEvent<T>;
}

/** The id an event is about, and its message key: the payment's or the user's. */
export function subjectIdOf(event: AnyDomainEvent | DomainEvent): string {
  return 'userId' in event ? event.userId : event.paymentId;
}

export type DecodeResult = { ok: true; event: AnyDomainEvent } | { ok: false; error: string };

/** Validates an untrusted message value into a typed event, or says precisely why it is not one. */
export function decodeEvent(raw: Buffer | string | null): DecodeResult {
  if (raw === null) return { ok: false, error: 'message has no value' };
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch {
    return { ok: false, error: 'message value is not JSON' };
  }
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, error: `envelope: ${describeIssues(envelope.error)}` };
  const { type, schemaVersion, paymentId, userId } = envelope.data;
  if (!(type in EventCatalog)) return { ok: false, error: `unknown event type ${type}` };
  const subject = EventCatalog[type as EventType].subject;
  const [expected, other] = subject === 'user' ? [userId, paymentId] : [paymentId, userId];
  if (expected === undefined || other !== undefined) {
    return { ok: false, error: `envelope: a ${type} names its ${subject} (${subject}Id) and nothing else` };
  }
  const payload = upgradePayload(type as EventType, schemaVersion, envelope.data.payload);
  if (!payload.ok) return { ok: false, error: payload.error };
  return { ok: true, event: { ...envelope.data, payload: payload.payload } as AnyDomainEvent };
}
