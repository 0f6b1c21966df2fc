import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Message } from 'kafkajs';
import { AnyPaymentEvent, createEvent, EventCatalog, EventType, PayloadOf, textHeaders } from '@app/contracts';

/** A raw Kafka client for tests: put events or arbitrary bytes on a topic, read a topic back. */
export class TestKafka {
  private readonly kafka = new Kafka({ clientId: 'tests', brokers: this.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  private readonly producer = this.kafka.producer({ allowAutoTopicCreation: false });
  private connected = false;

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  topic(logical: string): string {
    return `${this.env.KAFKA_TOPIC_PREFIX ?? ''}${logical}`;
  }

  async publish<T extends EventType>(type: T, paymentId: string, payload: PayloadOf<T>, producer = 'tests') {
    const event = createEvent(type, paymentId, payload, producer);
    await this.send(EventCatalog[type].topic, [{ key: paymentId, value: JSON.stringify(event) }]);
    return event;
  }

  async send(logicalTopic: string, messages: Message[]): Promise<void> {
    if (!this.connected) {
      await this.producer.connect();
      this.connected = true;
    }
    await this.producer.send({ topic: this.topic(logicalTopic), acks: -1, messages });
  }

  /** Reads a topic from the beginning until `until` is satisfied by what arrived (or the time is up). */
  async read(logicalTopic: string, until: (messages: ReadMessage[]) => boolean, timeoutMs = 20000): Promise<ReadMessage[]> {
    const consumer = this.kafka.consumer({ groupId: `reader-${randomUUID()}` });
    const seen: ReadMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic(logicalTopic), fromBeginning: true });
    try {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        void consumer.run({
          eachMessage: ({ message }) => {
            seen.push({
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? null,
              headers: textHeaders(message.headers),
            });
            if (until(seen)) {
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

  /** The lifecycle events on a topic, decoded, for one payment. */
  async eventsOf(logicalTopic: string, paymentId: string, until: (events: AnyPaymentEvent[]) => boolean, timeoutMs?: number) {
    const decode = (messages: ReadMessage[]) =>
      messages.filter((m) => m.key === paymentId && m.value).map((m) => JSON.parse(m.value!) as AnyPaymentEvent);
    return decode(await this.read(logicalTopic, (messages) => until(decode(messages)), timeoutMs));
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
  }
}

export interface ReadMessage {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}
