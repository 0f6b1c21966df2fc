import { randomUUID } from 'node:crypto';
import { Admin, Batch, Kafka, RecordMetadata } from 'kafkajs';
import { replayHeaders, serviceOfDeadLetterTopic } from '@app/contracts';
import {
  compareDeadLetters,
  DeadLetterId,
  deadLetterRow,
  DeadLetterRow,
  formatDeadLetterId,
  planDeadLetterReplay,
  RawDeadLetter,
  ReplayPlan,
} from './dead-letter-records';

/*
 * The Kafka side of dead letters for operators (the dlq tool and the gateway's console): read the
 * dead-letter topics up to their current end without leaving a trace, and republish to the origin
 * topic. A plain kafkajs client (no Nest): errors surface as thrown errors with the broker's message.
 */

/** What to read: every dead-letter topic of the prefix, one service's, or just enough to find one id. */
export interface ReadScope {
  service?: string;
  id?: DeadLetterId;
}

/** Where reading a partition stops: its high watermark when we started (later dead letters are not waited for). */
interface Target {
  service: string;
  end: bigint;
}

export async function readDeadLetters(kafka: Kafka, prefix: string, scope: ReadScope = {}, timeoutMs = 60_000): Promise<RawDeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const targets = await findTargets(admin, prefix, scope);
    if (targets.size === 0) return [];
    const messages = await consumeUntil(kafka, admin, prefix, targets, timeoutMs);
    return messages.sort(compareDeadLetters);
  } finally {
    await admin.disconnect();
  }
}

const targetKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

async function findTargets(admin: Admin, prefix: string, scope: ReadScope): Promise<Map<string, Target>> {
  const service = scope.id?.service ?? scope.service;
  const existing = await admin.listTopics();
  const topics = existing.filter((topic) => {
    const owner = serviceOfDeadLetterTopic(prefix, topic);
    return owner !== undefined && (service === undefined || owner === service);
  });
  const targets = new Map<string, Target>();
  for (const topic of topics) {
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      let end = BigInt(high);
      if (scope.id) {
        // one id: only its partition, and only up to it
        const offset = BigInt(scope.id.offset);
        if (partition !== scope.id.partition || offset < BigInt(low) || offset >= end) continue;
        end = offset + 1n;
      }
      if (end > BigInt(low)) targets.set(targetKey(topic, partition), { service: serviceOfDeadLetterTopic(prefix, topic)!, end });
    }
  }
  return targets;
}

/**
 * Reads the target partitions from the beginning up to their ends. kafkajs has no manual partition
 * assignment, so a consumer group of its own is used, never committed to, and deleted afterwards.
 */
async function consumeUntil(kafka: Kafka, admin: Admin, prefix: string, targets: Map<string, Target>, timeoutMs: number) {
  const groupId = `${prefix}dlq-tool-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  const pending = new Set(targets.keys());
  const seen: RawDeadLetter[] = [];
  const topics = [...new Set([...targets.keys()].map((key) => key.split('\u0000')[0]))];
  let timer: NodeJS.Timeout | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`timed out after ${timeoutMs} ms reading ${topics.join(', ')}: ${pending.size} partition(s) not read to the end`),
          ),
        timeoutMs,
      );
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      const collect = (batch: Batch) => {
        const key = targetKey(batch.topic, batch.partition);
        const target = targets.get(key);
        if (!target || !pending.has(key)) return;
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= target.end) break;
          const { partition } = batch;
          seen.push({
            service: target.service,
            partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            headers: message.headers ?? {},
          });
        }
        // lastOffset() also counts what kafkajs skips (control records, compacted gaps)
        if (BigInt(batch.lastOffset()) + 1n >= target.end) pending.delete(key);
        if (pending.size === 0) resolve();
      };
      void consumer
        .run({
          autoCommit: false,
          // nothing to wait for: kafkajs just wants a promise
          eachBatch: ({ batch }) => Promise.resolve(collect(batch)),
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    // Nothing was committed, so the group is empty; should deleting it fail, the broker expires it anyway.
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return seen;
}

export interface ReplayedDeadLetter {
  id: string;
  alsoCovers: string[];
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Republishes each plan's message to its origin topic, in order, idempotently and with acks from all
 * replicas. `onEach` hears of every one as soon as it is written, so a failure halfway loses no news.
 */
export async function republish(
  kafka: Kafka,
  plans: ReplayPlan[],
  onEach: (replayed: ReplayedDeadLetter) => void = () => undefined,
): Promise<ReplayedDeadLetter[]> {
  if (plans.length === 0) return [];
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const replayed: ReplayedDeadLetter[] = [];
    for (const { message, originTopic, alsoCovers } of plans) {
      const id = formatDeadLetterId(message);
      const [written]: RecordMetadata[] = await producer.send({
        topic: originTopic,
        acks: -1,
        messages: [{ key: message.key, value: message.value, headers: replayHeaders(message.headers, id) }],
      });
      const done = { id, alsoCovers, topic: originTopic, partition: written.partition, offset: written.baseOffset ?? '?' };
      replayed.push(done);
      onEach(done);
    }
    return replayed;
  } finally {
    await producer.disconnect();
  }
}

/** Every dead letter (of one service), as rows to show. */
export async function listDeadLetters(kafka: Kafka, prefix: string, service?: string): Promise<DeadLetterRow[]> {
  return (await readDeadLetters(kafka, prefix, { service })).map(deadLetterRow);
}

export interface DeadLetterReplay {
  replayed: ReplayedDeadLetter[];
  /** Dead letters without a dlq-origin-topic header: there is nowhere to send them back to. */
  unreplayable: string[];
}

/**
 * Replays one dead letter, or all of them (of one service); undefined when that one id is not
 * there. A replay is a copy of the original message, event id included, so a consumer that has
 * applied it already skips it (its inbox), and replaying twice is harmless.
 */
export async function replayDeadLetters(
  kafka: Kafka,
  prefix: string,
  target: DeadLetterId | 'all',
  service?: string,
  onEach?: (replayed: ReplayedDeadLetter) => void,
): Promise<DeadLetterReplay | undefined> {
  const messages = await readDeadLetters(kafka, prefix, target === 'all' ? { service } : { id: target });
  const chosen = target === 'all' ? messages : messages.filter((message) => formatDeadLetterId(message) === formatDeadLetterId(target));
  if (target !== 'all' && chosen.length === 0) return undefined;
  const { plans, unreplayable } = planDeadLetterReplay(chosen);
  return { replayed: await republish(kafka, plans, onEach), unreplayable };
}
