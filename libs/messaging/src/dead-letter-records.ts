import { deadLetterTopic, isServiceName, MessageHeaders, readDeadLetterHeaders } from '@app/contracts';

/*
 * Dead letters as an operator sees them (their wire format is in libs/contracts): ids, rows to
 * list, replay plans. Pure functions only; reading and writing Kafka is in dead-letter-store.ts.
 * Shared by the dlq tool and the gateway's operator console.
 */

/** A dead letter's address: the service whose dead-letter topic holds it, the partition and the offset. */
export interface DeadLetterId {
  service: string;
  partition: number;
  offset: string;
}

export function formatDeadLetterId({ service, partition, offset }: DeadLetterId): string {
  return `${service}:${partition}:${offset}`;
}

/** Parses `<service>:<partition>:<offset>`, or says what is wrong with it. */
export function parseDeadLetterId(text: string): DeadLetterId | { error: string } {
  const match = /^([^:]+):(\d+):(\d+)$/.exec(text.trim());
  if (!match || !isServiceName(match[1])) {
    return { error: `"${text}" is not a dead-letter id: expected <service>:<partition>:<offset>, e.g. fraud:0:12` };
  }
  return { service: match[1], partition: Number(match[2]), offset: String(BigInt(match[3])) };
}

export function deadLetterTopicOf(prefix: string, service: string): string {
  return `${prefix}${deadLetterTopic(service)}`;
}

/** One message read from a dead-letter topic, as kafkajs gives it. */
export interface RawDeadLetter {
  service: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: MessageHeaders;
}

/** What `list` shows of a dead letter. Unknown fields are null (shown as "-"). */
export interface DeadLetterRow {
  id: string;
  service: string;
  failedAt: string | null;
  originTopic: string | null;
  originPartition: number | null;
  originOffset: string | null;
  eventType: string | null;
  paymentId: string | null;
  attempts: number | null;
  error: string | null;
  /** Set when this message had already been replayed from an earlier dead letter and failed again. */
  replayedFrom: string | null;
}

export function deadLetterRow(message: RawDeadLetter): DeadLetterRow {
  const facts = readDeadLetterHeaders(message.headers);
  const { eventType, paymentId } = describeDeadLetterValue(message.value);
  return {
    id: formatDeadLetterId(message),
    service: message.service,
    failedAt: facts.failedAt,
    originTopic: facts.originTopic,
    originPartition: facts.originPartition,
    originOffset: facts.originOffset,
    eventType,
    paymentId,
    attempts: facts.attempts,
    error: facts.error,
    replayedFrom: facts.replayedFrom,
  };
}

/** The event type and payment id of a value, as far as it can be read: poison is expected here. */
export function describeDeadLetterValue(value: Buffer | null): { eventType: string | null; paymentId: string | null } {
  let json: unknown;
  try {
    json = value === null ? null : JSON.parse(value.toString('utf8'));
  } catch {
    json = null;
  }
  const record = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const text = (field: unknown) => (typeof field === 'string' && field.length > 0 ? field : null);
  return { eventType: text(record.type), paymentId: text(record.paymentId) };
}

export interface ReplayPlan {
  /** The dead letter that is republished, and names the copy in dlq-replayed-from. */
  message: RawDeadLetter;
  originTopic: string;
  /** Other dead letters of the same original message (another service parked it too): covered by the same copy. */
  alsoCovers: string[];
}

/**
 * What to republish for these dead letters. Several services consume one topic, so one poison
 * message can be parked by each of them; republishing it once reaches every consumer group, so the
 * copies are grouped by origin. Dead letters without an origin topic cannot be replayed.
 */
export function planDeadLetterReplay(messages: RawDeadLetter[]): { plans: ReplayPlan[]; unreplayable: string[] } {
  const byOrigin = new Map<string, ReplayPlan>();
  const unreplayable: string[] = [];
  for (const message of messages) {
    const row = deadLetterRow(message);
    if (!row.originTopic) {
      unreplayable.push(row.id);
      continue;
    }
    // Without a complete origin the copies cannot be told apart: each one is replayed by itself.
    const origin =
      row.originPartition !== null && row.originOffset !== null
        ? `${row.originTopic}\u0000${row.originPartition}\u0000${row.originOffset}`
        : `id\u0000${row.id}`;
    const plan = byOrigin.get(origin);
    if (plan) plan.alsoCovers.push(row.id);
    else byOrigin.set(origin, { message, originTopic: row.originTopic, alsoCovers: [] });
  }
  return { plans: [...byOrigin.values()], unreplayable };
}

/** Dead letters in a stable order: by service, then partition, then offset. */
export function compareDeadLetters(a: DeadLetterId, b: DeadLetterId): number {
  if (a.service !== b.service) return a.service < b.service ? -1 : 1;
  if (a.partition !== b.partition) return a.partition - b.partition;
  const [x, y] = [BigInt(a.offset), BigInt(b.offset)];
  return x === y ? 0 : x < y ? -1 : 1;
}
