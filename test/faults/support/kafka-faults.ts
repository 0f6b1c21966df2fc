import { randomUUID } from 'node:crypto';
import { Consumer, IHeaders, Producer } from 'kafkajs';
import { AnyDomainEvent, AnyPaymentEvent, createEvent, EventCatalog, Topics } from '@app/contracts';
import { eventually } from '../../support/eventually';
import { CONSUMES } from './invariants';
import { SentPayments } from './load';
import { FaultSystem } from './system';

/** Marks the messages the test put on a topic itself, so the republisher never copies them. */
const COPY_HEADER = 'x-fault-copy';

interface SeenMessage {
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: IHeaders;
}

/**
 * A test-side Kafka client in its own consumer group: reads the event topics from the beginning
 * and publishes every event once more (same key, value and headers), so every consumer gets every
 * event twice; it can also republish a batch of events in reverse order.
 */
export class Republisher {
  readonly groupId: string;
  readonly topics: string[];
  readonly seen: SeenMessage[] = [];
  /** Payments whose outcome (PaymentSucceeded or PaymentFailed) it has read. */
  private readonly outcomes = new Set<string>();
  copies = 0;
  /** logical topic → events published twice */
  readonly copiesByTopic = new Map<string, number>();
  private readonly consumer: Consumer;
  private readonly producer: Producer;

  constructor(private readonly system: FaultSystem) {
    this.groupId = `${system.env.KAFKA_TOPIC_PREFIX}faults-republisher`;
    this.topics = Object.values(Topics).map((t) => `${system.env.KAFKA_TOPIC_PREFIX}${t}`);
    this.consumer = system.kafka.consumer({ groupId: this.groupId, allowAutoTopicCreation: false });
    this.producer = system.kafka.producer({ allowAutoTopicCreation: false });
  }

  /** The group and topics that must have caught up before the system counts as drained. */
  get group(): [string, string[]] {
    return [this.groupId, this.topics];
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        const originals = batch.messages.filter((m) => !m.headers?.[COPY_HEADER]);
        if (originals.length === 0) return;
        const messages = originals.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers, [COPY_HEADER]: 'duplicate' } }));
        await this.producer.send({ topic: batch.topic, acks: -1, messages });
        this.copies += messages.length;
        const logical = batch.topic.slice(this.system.env.KAFKA_TOPIC_PREFIX!.length);
        this.copiesByTopic.set(logical, (this.copiesByTopic.get(logical) ?? 0) + messages.length);
        for (const m of originals)
          this.seen.push({ topic: batch.topic, key: m.key?.toString() ?? null, value: m.value, headers: m.headers ?? {} });
        for (const m of originals) if (m.key && isOutcome(m.value)) this.outcomes.add(m.key.toString());
      },
    });
  }

  /** Resolves once it has read the outcome of each of these payments (bounded: every payment ends by its deadline). */
  async sawOutcomesOf(paymentIds: string[], timeoutMs: number): Promise<void> {
    await eventually(() => expect(paymentIds.filter((id) => !this.outcomes.has(id))).toEqual([]), timeoutMs, 200);
  }

  /**
   * Publishes the events seen so far of the last `payments` payments seen on payments.payment-events
   * once more, newest first, on each topic in one batch: a batch delivered out of order, across
   * several keys; on payments.payment-events (which fraud, inventory, notifications, analytics and
   * the ledger read) each payment's outcome comes before its initiation. Returns how many per
   * logical topic, and the payments.
   */
  async republishReversed(payments: number): Promise<{ byTopic: Map<string, number>; paymentIds: string[] }> {
    const paymentTopic = `${this.system.env.KAFKA_TOPIC_PREFIX}${Topics.PaymentEvents}`;
    const keyed = this.seen.filter((m) => m.topic === paymentTopic && m.key);
    const ids = [...new Set(keyed.map((m) => m.key!))].slice(-payments);
    const byTopic = new Map<string, number>();
    for (const topic of this.topics) {
      const batch = this.seen.filter((m) => m.topic === topic && m.key && ids.includes(m.key)).reverse();
      if (batch.length === 0) continue;
      const messages = batch.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers, [COPY_HEADER]: 'reversed' } }));
      await this.producer.send({ topic, acks: -1, messages });
      byTopic.set(topic.slice(this.system.env.KAFKA_TOPIC_PREFIX!.length), messages.length);
    }
    return { byTopic, paymentIds: ids };
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}

function isOutcome(value: Buffer | null): boolean {
  try {
    const type = (JSON.parse(value?.toString() ?? '') as { type?: string }).type;
    return type === 'PaymentSucceeded' || type === 'PaymentFailed';
  } catch {
    return false; // not an event: not an outcome
  }
}

/**
 * Late, contradicting outcomes under new event ids, for payments that are final already: a
 * REJECTED assessment (and stock rejection) for a SUCCEEDED payment, an APPROVED one (and a
 * reservation) for a FAILED one. A final payment must not move. Returns how many were sent.
 */
export async function publishLateOutcomes(system: FaultSystem, limit: number): Promise<number> {
  const { rows } = await system.db.query<{ id: string; status: string; items: Array<{ sku: string; quantity: number }> }>(
    `SELECT id, status, items FROM payments.payments WHERE status <> 'PENDING' ORDER BY completed_at DESC LIMIT $1`,
    [limit],
  );
  const events: AnyPaymentEvent[] = [];
  const assessedAt = new Date().toISOString();
  for (const p of rows) {
    if (p.status === 'SUCCEEDED') {
      events.push(createEvent('FraudAssessed', p.id, { decision: 'REJECTED', score: 100, reasons: ['BLOCKLISTED'], assessedAt }, 'fraud'));
      if (p.items.length)
        events.push(
          createEvent('StockRejected', p.id, { items: p.items, reason: 'INSUFFICIENT_STOCK', skus: [p.items[0].sku] }, 'inventory'),
        );
    } else {
      events.push(createEvent('FraudAssessed', p.id, { decision: 'APPROVED', score: 0, reasons: [], assessedAt }, 'fraud'));
      if (p.items.length) events.push(createEvent('StockReserved', p.id, { items: p.items }, 'inventory'));
    }
  }
  await sendRaw(
    system,
    events.map((e) => ({ topic: EventCatalog[e.type].topic, key: e.paymentId, value: JSON.stringify(e) })),
  );
  return events.length;
}

/** A valid event of the topic's kind (about a user on the users service's topics, else a payment), to be spoilt. */
function validEventOf(topic: string, subjectId: string): AnyDomainEvent {
  const now = new Date().toISOString();
  if (topic === Topics.UserEvents) return createEvent('VpaLinked', subjectId, { vpa: 'poison@okbank', linkedAt: now }, 'faults');
  if (topic === Topics.OperatorActions) {
    const acted = { service: 'faults', action: 'GET /poison', resource: '/poison', status: 200, origin: null, actedAt: now };
    return createEvent('OperatorActed', subjectId, acted, 'faults');
  }
  const facts = { payerVpa: 'poison@okbank', payeeVpa: 'merchant@okbank', amountPaise: 100, currency: 'INR' as const, items: [] };
  return createEvent('PaymentInitiated', subjectId, { ...facts, createdAt: now, payerUserId: null, payeeUserId: null }, 'faults');
}

/**
 * Four kinds of poison on each event topic that a service consumes: not JSON, not an event
 * envelope, an unknown event type, an unknown schema version of a known type. Every consumer of the
 * topic must dead-letter each of them and go on. Recorded in `sent`; returns the values put on
 * each logical topic.
 */
export async function injectPoison(system: FaultSystem, sent: SentPayments): Promise<Map<string, string[]>> {
  const injected = new Map<string, string[]>();
  const messages: Array<{ topic: string; key: string; value: string }> = [];
  for (const topic of new Set(Object.values(CONSUMES).flat())) {
    const subjectId = randomUUID();
    const valid = validEventOf(topic, subjectId);
    const values = [
      `not json at all {${topic}`,
      JSON.stringify({ hello: 'world', topic }),
      JSON.stringify({ ...valid, eventId: randomUUID(), type: 'PaymentTeleported' }),
      JSON.stringify({ ...valid, eventId: randomUUID(), schemaVersion: 99 }),
    ];
    injected.set(topic, values);
    sent.poison.set(topic, (sent.poison.get(topic) ?? 0) + values.length);
    messages.push(...values.map((value) => ({ topic, key: subjectId, value })));
  }
  await sendRaw(system, messages);
  return injected;
}

async function sendRaw(system: FaultSystem, messages: Array<{ topic: string; key: string; value: string }>): Promise<void> {
  const producer = system.kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), { key: m.key, value: m.value }]);
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({ topic: `${system.env.KAFKA_TOPIC_PREFIX}${topic}`, messages: list })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** The messages on a topic, read from the beginning until `count` have arrived (bounded). */
export async function readTopic(system: FaultSystem, topic: string, count: number, timeoutMs = 30000) {
  const consumer = system.kafka.consumer({ groupId: `faults-reader-${randomUUID()}` });
  const seen: Array<{ value: string; headers: Record<string, string> }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      if (count === 0) resolve();
      void consumer.run({
        eachMessage: ({ message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? '']));
          seen.push({ value: message.value?.toString() ?? '', headers });
          if (seen.length >= count) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
