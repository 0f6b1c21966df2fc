import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { AnyDomainEvent, Topics } from '@app/contracts';

/**
 * Every lifecycle event of one payment, on all five event topics, read from the beginning up to
 * each partition's end as it is when called: what the services published about it so far.
 */
export async function publishedEventsOf(env: NodeJS.ProcessEnv, paymentId: string, timeoutMs = 20000): Promise<AnyDomainEvent[]> {
  const kafka = new Kafka({ clientId: 'e2e-reader', brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const topics = Object.values(Topics).map((t) => `${env.KAFKA_TOPIC_PREFIX ?? ''}${t}`);
  const admin = kafka.admin();
  const unread = new Map<string, number>(); // "topic:partition" → its end (high watermark) now
  await admin.connect();
  try {
    for (const topic of topics) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (Number(high) > Number(low)) unread.set(`${topic}:${partition}`, Number(high));
      }
    }
  } finally {
    await admin.disconnect();
  }

  const events: AnyDomainEvent[] = [];
  const consumer = kafka.consumer({ groupId: `e2e-reader-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still unread after ${timeoutMs} ms: ${[...unread.keys()].join(', ')}`)), timeoutMs);
      const done = () => {
        if (unread.size > 0) return;
        clearTimeout(timer);
        resolve();
      };
      done();
      void consumer.run({
        eachMessage: ({ topic, partition, message }) => {
          if (message.key?.toString() === paymentId) events.push(JSON.parse(message.value!.toString()) as AnyDomainEvent);
          const end = unread.get(`${topic}:${partition}`);
          if (end !== undefined && Number(message.offset) + 1 >= end) unread.delete(`${topic}:${partition}`);
          done();
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return events;
}
