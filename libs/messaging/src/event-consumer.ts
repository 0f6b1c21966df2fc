import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AnyDomainEvent, decodeEvent, EventCatalog, EventType } from '@app/contracts';
import { annotate, context, contextFromHeaders, endSpan, SpanKind, startSpan } from '@app/telemetry';
import { DeadLetters } from './dead-letters';
import { KAFKA } from './kafka.tokens';
import { MESSAGING_OPTIONS, MessagingOptions, topicName } from './messaging.options';
import { classifyFailure } from './failures';
import { EventHandlerFn, ON_EVENT } from './on-event.decorator';
import { OutboxRelay } from './outbox';

type Outcome = 'applied' | 'duplicate' | 'ignored';

/**
 * The one Kafka consumer of a service. It finds the @OnEvent handlers, subscribes to their topics
 * in the service's consumer group, and for every message:
 * - a message that is not a valid event of a known type and version is dead-lettered at once;
 * - a valid event runs its handlers in one transaction that also records the event id, so a
 *   redelivery is recognised and changes nothing;
 * - a failing handler is retried with backoff, and after the last attempt the message is
 *   dead-lettered: no partition ever waits behind one message.
 * Offsets are committed only for messages that were applied or parked.
 */
@Injectable()
export class EventConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventConsumer.name);
  private readonly handlers = new Map<EventType, EventHandlerFn[]>();
  private consumer?: Consumer;
  private crash?: string;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly deadLetters: DeadLetters,
    private readonly relay: OutboxRelay,
  ) {}

  /** Problems that make this consumer unusable, for the readiness check. */
  get failure(): string | undefined {
    return this.crash;
  }

  private get groupId(): string {
    return topicName(this.options.config, this.options.config.service);
  }

  get handledTypes(): EventType[] {
    return [...this.handlers.keys()];
  }

  async onApplicationBootstrap(): Promise<void> {
    this.collectHandlers();
    if (this.handlers.size === 0) return;
    const { config } = this.options;
    const topics = [...new Set(this.handledTypes.map((type) => topicName(config, EventCatalog[type].topic)))];
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      allowAutoTopicCreation: false,
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.crash = payload.restart ? undefined : payload.error.message;
      this.logger.error(`consumer crashed (restart: ${payload.restart}): ${payload.error.message}`);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
    this.logger.log(`consuming ${topics.join(', ')} as group ${this.groupId}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Waits for the batch in flight, commits its offsets and leaves the group.
    await this.consumer?.disconnect();
  }

  private async consumeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) break;
      await this.consumeMessage(batch.topic, batch.partition, message, heartbeat, isRunning);
      resolveOffset(message.offset);
      await heartbeat();
    }
    this.relay.wake();
  }

  /** One message, in its own consumer span: a child of the context the producer put in the headers. */
  private async consumeMessage(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<void> {
    const decoded = decodeEvent(message.value);
    if (decoded.ok && !this.handlers.has(decoded.event.type)) return; // not for this service
    const [span, spanContext] = startSpan(
      `process ${topic}`,
      SpanKind.CONSUMER,
      {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
        'messaging.kafka.offset': Number(message.offset),
        'messaging.consumer.group.name': this.groupId,
        ...(decoded.ok
          ? { 'messaging.message.id': decoded.event.eventId, 'payment.id': decoded.event.paymentId, 'event.type': decoded.event.type }
          : {}),
      },
      contextFromHeaders(textHeaders(message)),
    );
    try {
      await context.with(spanContext, () =>
        decoded.ok
          ? this.applyWithRetries(decoded.event, topic, partition, message, heartbeat, isRunning)
          : this.deadLetter(topic, partition, message, decoded.error, 1),
      );
      endSpan(span);
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  }

  private async applyWithRetries(
    event: AnyDomainEvent,
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<void> {
    const maxAttempts = this.options.config.messaging.maxAttempts;
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.apply(event);
        if (outcome === 'duplicate') annotate({ 'messaging.duplicate': true });
        this.logger.debug(`${outcome} ${event.type} ${event.eventId} of payment ${event.paymentId}`);
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const kind = classifyFailure(error);
        if (kind === 'permanent' || (kind === 'unknown' && attempt >= maxAttempts)) {
          this.logger.error(`${event.type} ${event.eventId} of payment ${event.paymentId} failed ${attempt} time(s): ${reason}`);
          await this.deadLetter(topic, partition, message, reason, attempt);
          return;
        }
        // A transient failure is retried for as long as it takes: the message is never skipped.
        this.logger.warn(`${event.type} ${event.eventId} failed (${kind}, attempt ${attempt}), retrying: ${reason}`);
        await sleep(Math.min(100 * 2 ** Math.min(attempt, 10), 5000));
        await heartbeat().catch(() => undefined);
        // Shutting down: leave the message uncommitted; it is redelivered to whoever takes the partition.
        if (!isRunning()) throw error;
      }
    }
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, error: string, attempts: number) {
    this.logger.warn(`dead-lettering ${topic}[${partition}]@${message.offset}: ${error}`);
    annotate({ 'messaging.dead_lettered': true, 'error.type': error.slice(0, 200) });
    await this.deadLetters.park({ topic, partition, message, error, attempts });
  }

  /** Applies one event exactly once: its id is recorded in the same transaction as the effect. */
  private async apply(event: AnyDomainEvent): Promise<Outcome> {
    const handlers = this.handlers.get(event.type);
    if (!handlers) return 'ignored';
    return this.dataSource.transaction(async (tx) => {
      const claimed = await tx.query(
        'INSERT INTO processed_events (event_id, event_type) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
        [event.eventId, event.type],
      );
      if (claimed.length === 0) return 'duplicate';
      for (const handler of handlers) await handler(event, tx);
      return 'applied';
    });
  }

  private collectHandlers(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || wrapper.isDependencyTreeStatic?.() === false) continue;
      const prototype = Object.getPrototypeOf(instance);
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[name] as EventHandlerFn;
        const types = this.reflector.get<EventType[] | undefined>(ON_EVENT, method);
        if (!types) continue;
        for (const type of types) {
          const list = this.handlers.get(type) ?? [];
          list.push(method.bind(instance));
          this.handlers.set(type, list);
        }
      }
    }
  }
}

function textHeaders(message: KafkaMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first.toString();
  }
  return headers;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
