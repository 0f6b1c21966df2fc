import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { Consumer, Kafka } from 'kafkajs';
import { EventCatalog } from '@app/contracts';
import { EventApplier } from './event-applier';
import { EventHandlers, EventPatternExtras } from './event-handlers';
import { ConsumerMetrics } from './messaging.metrics';
import { KAFKA } from './kafka.tokens';
import { MESSAGING_OPTIONS, MessagingOptions, topicName } from './messaging.options';
import { OutboxRelay } from './outbox';

/**
 * The messaging runtime as a Nest microservice transport. `createService` connects it
 * (`app.connectMicroservice({ strategy })`), so Nest hands it every `@EventPattern` handler of the
 * service's controllers, wrapped with its pipes, `@Payload()` / `@Ctx()` and exception filters;
 * `listen` subscribes the service's one consumer group to their topics, and the EventApplier
 * applies what arrives (chunked transactions, retries, dead letters, exactly-once effects).
 *
 * On shutdown it stops consuming first (the batch in flight finishes and commits, the group is
 * left), then lets the outbox relay publish what is left: nothing the service wrote stays behind.
 */
@Injectable()
export class KafkaEventTransport extends Server implements CustomTransportStrategy, BeforeApplicationShutdown {
  private readonly handlers = new EventHandlers();
  private readonly stopping = new AbortController();
  private consumer?: Consumer;
  private crash?: string;
  private readonly log = new Logger(KafkaEventTransport.name);

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly applier: EventApplier,
    private readonly relay: OutboxRelay,
    private readonly metrics: ConsumerMetrics,
  ) {
    super();
  }

  /** Problems that make the consumer unusable, for the readiness check. */
  get failure(): string | undefined {
    return this.crash;
  }

  /** Called by Nest for each pattern of each `@EventPattern` method. */
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: EventPatternExtras = {}): void {
    if (!isEventHandler) throw new Error(`@MessagePattern(${JSON.stringify(pattern)}): events are one-way, use @EventPattern`);
    this.handlers.add(pattern, callback, extras);
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(() => callback(), callback);
  }

  async close(): Promise<void> {
    await this.stopConsuming();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stopConsuming();
    await this.relay.stop();
  }

  on(): never {
    throw new Error('KafkaEventTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  private async start(): Promise<void> {
    if (this.handlers.types.length === 0 || this.consumer) return;
    const { config } = this.options;
    const topics = [...new Set(this.handlers.types.map((type) => topicName(config, EventCatalog[type].topic)))];
    const consumer = this.kafka.consumer({
      groupId: this.applier.groupId,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      minBytes: config.kafka.fetchMinBytes,
      maxWaitTimeInMs: config.kafka.fetchMaxWaitMs,
      allowAutoTopicCreation: false,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.crash = payload.restart ? undefined : payload.error.message;
      // kafkajs restarts the consumer after a retriable failure (a coordinator still loading, say)
      if (payload.restart) this.log.warn(`consumer restarting after: ${payload.error.message}`);
      else this.log.error(`consumer stopped: ${payload.error.message}`);
    });
    // After a rebalance, the lag of partitions now another member's is that member's to report, and the new ones' is read.
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => void this.metrics.assigned(payload.memberAssignment));
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.applier.applyBatch(payload, this.handlers, this.stopping.signal),
    });
    this.log.log(`consuming ${topics.join(', ')} as group ${this.applier.groupId}`);
  }

  /** Ends retries in progress, waits for the batch in flight, commits its offsets and leaves the group. */
  private async stopConsuming(): Promise<void> {
    this.stopping.abort();
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }
}
