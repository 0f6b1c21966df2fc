import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { currentVersion, describeIssues, EventCatalog, EventType, PayloadOf, upgradePayload } from './events';

/** What every lifecycle event carries, whatever its type. */
export const EnvelopeSchema = z
  .object({
    eventId: z.uuid(),
    type: z.string().min(1),
    schemaVersion: z.number().int().positive(),
    paymentId: z.uuid(),
    occurredAt: z.iso.datetime({ offset: true }),
    producer: z.string().min(1),
    payload: z.unknown(),
  })
  .strict();

export interface DomainEvent<T extends EventType = EventType> {
  eventId: string;
  type: T;
  schemaVersion: number;
  paymentId: string;
  occurredAt: string;
  producer: string;
  payload: PayloadOf<T>;
}

export type AnyDomainEvent = { [T in EventType]: DomainEvent<T> }[EventType];

export function createEvent<T extends EventType>(
  type: T,
  paymentId: string,
  payload: PayloadOf<T>,
  producer: string,
  occurredAt: Date = new Date(),
): DomainEvent<T> {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: currentVersion(type),
    paymentId,
    occurredAt: occurredAt.toISOString(),
    producer,
    payload,
  };
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
  const { type, schemaVersion } = envelope.data;
  if (!(type in EventCatalog)) return { ok: false, error: `unknown event type ${type}` };
  const payload = upgradePayload(type as EventType, schemaVersion, envelope.data.payload);
  if (!payload.ok) return { ok: false, error: payload.error };
  return { ok: true, event: { ...envelope.data, payload: payload.payload } as AnyDomainEvent };
}
