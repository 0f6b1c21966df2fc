import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { DataSource, EntityManager } from 'typeorm';
import { AnyDomainEvent, DecodeResult, decodeEvent, EventCatalog, EventType, textHeaders } from '@app/contracts';
import { annotate, context, contextFromHeaders, endSpan, SpanKind, startSpan } from '@app/telemetry';
import { DeadLetters } from './dead-letters';
import { KAFKA } from './kafka.tokens';
import { MESSAGING_OPTIONS, MessagingOptions, topicName } from './messaging.options';
import { classifyFailure } from './failures';
import { bindEventContext, eventContext } from './event-context';
import { EventBatchHandlerFn, EventHandlerFn, ON_EVENT, ON_EVENT_BATCH } from './on-event.decorator';
import { OutboxRelay } from './outbox';

type Outcome = 'applied' | 'duplicate' | 'ignored';
type Applicable = { message: KafkaMessage; decoded: Extract<DecodeResult, { ok: true }> };
/** A handler of one event (@OnEvent) or of all the events of its types in a chunk (@OnEventBatch). */
type Handler = { one: EventHandlerFn } | { batch: EventBatchHandlerFn };

/** Events applied in one transaction at most; a larger batch is cut into chunks of this size. */
const CHUNK_SIZE = 100;

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
  private readonly handlers = new Map<EventType, Handler[]>();
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
      minBytes: config.kafka.fetchMinBytes,
      maxWaitTimeInMs: config.kafka.fetchMaxWaitMs,
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

  /**
   * A batch is applied in chunks, each in ONE transaction (one commit for many events: the
   * batching lever), every message still in its own consumer span. If anything in a chunk fails,
   * the chunk is rolled back and its messages are applied one by one, each with its own retries
   * and dead-lettering, so one bad message never holds back the others.
   */
  private async consumeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    for (let start = 0; start < batch.messages.length; start += CHUNK_SIZE) {
      if (!isRunning() || isStale()) break;
      const chunk = batch.messages.slice(start, start + CHUNK_SIZE).map((message) => ({ message, decoded: decodeEvent(message.value) }));
      const applicable = chunk.filter(
        (item): item is Applicable => item.decoded.ok && this.handlers.has(item.decoded.event.type),
      );
      const together = applicable.length > 1 && (await this.applyTogether(batch.topic, batch.partition, applicable));
      for (const { message, decoded } of chunk) {
        if (!together || !decoded.ok) {
          if (!isRunning() || isStale()) return;
          await this.consumeMessage(batch.topic, batch.partition, message, heartbeat, isRunning);
        }
        resolveOffset(message.offset);
      }
      await heartbeat();
      this.relay.wake();
    }
  }

  /** Applies several events in one transaction; false (and nothing applied) if any of them fails. */
  private async applyTogether(topic: string, partition: number, items: Applicable[]): Promise<boolean> {
    const spans = items.map(({ message, decoded }) => this.startConsumerSpan(topic, partition, message, decoded));
    try {
      await this.dataSource.transaction(async (tx) => {
        const fresh = await this.claim(tx, items.map((item) => item.decoded.event));
        const batches = new Map<EventBatchHandlerFn, AnyDomainEvent[]>();
        for (const [index, { decoded }] of items.entries()) {
          const event = decoded.event;
          if (!fresh.delete(event.eventId)) {
            spans[index][0].setAttribute('messaging.duplicate', true);
            continue;
          }
          bindEventContext(event, spans[index][1]);
          await context.with(spans[index][1], async () => {
            for (const handler of this.handlers.get(event.type)!) {
              if ('one' in handler) await handler.one(event, tx);
              else if (batches.has(handler.batch)) batches.get(handler.batch)!.push(event);
              else batches.set(handler.batch, [event]);
            }
          });
        }
        for (const [handler, events] of batches) await context.with(eventContext(events[0])!, () => handler(events, tx));
      });
      spans.forEach(([span]) => endSpan(span));
      return true;
    } catch (error) {
      for (const [span] of spans) {
        span.setAttribute('messaging.batch.retried_one_by_one', true);
        endSpan(span);
      }
      this.logger.warn(`a chunk of ${items.length} events failed together (${(error as Error).message}); applying them one by one`);
      return false;
    }
  }

  /** Records event ids as applied; returns those that were not applied before. */
  private async claim(tx: EntityManager, events: AnyDomainEvent[]): Promise<Set<string>> {
    const rows: Array<{ event_id: string }> = await tx.query(
      `INSERT INTO processed_events (event_id, event_type) SELECT * FROM unnest($1::uuid[], $2::text[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [events.map((e) => e.eventId), events.map((e) => e.type)],
    );
    return new Set(rows.map((row) => row.event_id));
  }

  private startConsumerSpan(topic: string, partition: number, message: KafkaMessage, decoded: DecodeResult) {
    return startSpan(
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
      contextFromHeaders(textHeaders(message.headers)),
    );
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
    const [span, spanContext] = this.startConsumerSpan(topic, partition, message, decoded);
    if (decoded.ok) bindEventContext(decoded.event, spanContext);
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
      if ((await this.claim(tx, [event])).size === 0) return 'duplicate';
      for (const handler of handlers) await ('one' in handler ? handler.one(event, tx) : handler.batch([event], tx));
      return 'applied';
    });
  }

  private addHandler(type: EventType, handler: Handler): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
  }

  private collectHandlers(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || wrapper.isDependencyTreeStatic?.() === false) continue;
      const prototype = Object.getPrototypeOf(instance);
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[name] as EventHandlerFn & EventBatchHandlerFn;
        const one = this.reflector.get<EventType[] | undefined>(ON_EVENT, method) ?? [];
        const batch = this.reflector.get<EventType[] | undefined>(ON_EVENT_BATCH, method) ?? [];
        const bound = method.bind(instance); // one function per method: a batch handler of several types runs once per chunk
        for (const type of one) this.addHandler(type, { one: bound });
        for (const type of batch) this.addHandler(type, { batch: bound });
      }
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
