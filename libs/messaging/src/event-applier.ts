import { Inject, Injectable, Logger } from '@nestjs/common';
import { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { AnyDomainEvent, DecodeResult, decodeEvent, subjectIdOf, textHeaders } from '@app/contracts';
import { Database, retrying } from '@app/platform';
import { annotate, context, contextFromHeaders, endSpan, SpanKind, startSpan } from '@app/telemetry';
import { DeadLetters } from './dead-letters';
import { bindEventContext, eventContext } from './event-context';
import { EventHandler, EventHandlers, invoke } from './event-handlers';
import { classifyFailure } from './failures';
import { subjectAttribute } from './subject-attribute';
import { KafkaEventContext } from './kafka-event.context';
import { ConsumerMetrics } from './messaging.metrics';
import { MESSAGING_OPTIONS, MessagingOptions, topicName } from './messaging.options';
import { OutboxRelay } from './outbox';

/** Events applied in one transaction at most; a larger batch is cut into chunks of this size. */
const CHUNK_SIZE = 100;

type Outcome = 'applied' | 'duplicate';
/** Where a batch came from. */
type Source = { topic: string; partition: number };
/** A message that is an event this service handles. */
type Applicable = { message: KafkaMessage; event: AnyDomainEvent };

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Applies what the consumer fetched: every valid event exactly once, in one transaction with the
 * record of its id (a redelivery is recognised and changes nothing); a message that is not a valid
 * event of a known type and version is dead-lettered at once; a failing handler is retried with
 * backoff and, after its last attempt, dead-lettered: no partition ever waits behind one message.
 * Offsets are resolved only for messages that were applied or parked.
 */
@Injectable()
export class EventApplier {
  private readonly logger = new Logger(EventApplier.name);

  constructor(
    private readonly db: Database,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly deadLetters: DeadLetters,
    private readonly relay: OutboxRelay,
    private readonly metrics: ConsumerMetrics,
  ) {}

  get groupId(): string {
    return topicName(this.options.config, this.options.config.service);
  }

  /**
   * A batch is applied in chunks, each in ONE transaction (one commit for many events: the
   * batching lever), every message still in its own consumer span. If anything in a chunk fails,
   * the chunk is rolled back and its messages are applied one by one, each with its own retries
   * and dead-lettering, so one bad message never holds back the others. `stopping` ends retries.
   */
  async applyBatch(payload: EachBatchPayload, handlers: EventHandlers, stopping: AbortSignal) {
    const { batch } = payload;
    const source = { topic: batch.topic, partition: batch.partition };
    const halted = () => !payload.isRunning() || payload.isStale();
    const heartbeat = () => payload.heartbeat();
    if (batch.messages.length > 0) this.metrics.progress(batch.topic, batch.partition, batch.highWatermark, batch.messages[0].offset);
    for (let start = 0; start < batch.messages.length; start += CHUNK_SIZE) {
      if (halted()) break;
      const chunk = batch.messages.slice(start, start + CHUNK_SIZE).map((message) => ({ message, decoded: decodeEvent(message.value) }));
      const applicable = chunk.flatMap(({ message, decoded }) =>
        decoded.ok && handlers.handles(decoded.event.type) ? [{ message, event: decoded.event }] : [],
      );
      const together = applicable.length > 1 && (await this.applyTogether(source, applicable, handlers));
      for (const { message, decoded } of chunk) {
        if (!together || !decoded.ok) {
          if (halted()) return;
          await this.applyOne(source, message, decoded, handlers, heartbeat, stopping);
        }
        payload.resolveOffset(message.offset);
      }
      const next = String(BigInt(chunk[chunk.length - 1].message.offset) + 1n);
      this.metrics.progress(batch.topic, batch.partition, batch.highWatermark, next);
      this.metrics.processed(batch.topic, batch.partition, chunk.length);
      await heartbeat();
      this.relay.wake();
    }
  }

  /**
   * Applies several events in one transaction; false (and nothing applied) if any of them fails.
   * Handlers of one event run in that event's span, in offset order; batch handlers run after
   * them, once each, with all of their events.
   */
  private async applyTogether(source: Source, items: Applicable[], handlers: EventHandlers): Promise<boolean> {
    const spans = items.map(({ message, event }) => this.startConsumerSpan(source, message, event));
    try {
      await this.db.transaction(async () => {
        const fresh = await this.claim(items.map((item) => item.event));
        const batches = new Map<object, { handler: EventHandler; items: Applicable[] }>();
        for (const [index, item] of items.entries()) {
          if (!fresh.delete(item.event.eventId)) {
            spans[index][0].setAttribute('messaging.duplicate', true);
            continue;
          }
          bindEventContext(item.event, spans[index][1]);
          for (const handler of handlers.of(item.event.type)) {
            if (handler.batch) {
              const group = batches.get(handler.method) ?? { handler, items: [] };
              group.items.push(item);
              batches.set(handler.method, group);
            } else {
              await context.with(spans[index][1], () => invoke(handler, item.event, contextOf(source, [item])));
            }
          }
        }
        for (const { handler, items: group } of batches.values()) {
          const events = group.map((item) => item.event);
          await context.with(eventContext(events[0])!, () => invoke(handler, events, contextOf(source, group)));
        }
      });
      spans.forEach(([span]) => endSpan(span));
      return true;
    } catch (error) {
      for (const [span] of spans) {
        span.setAttribute('messaging.batch.retried_one_by_one', true);
        endSpan(span);
      }
      this.logger.warn(`a chunk of ${items.length} events failed together (${reason(error)}); applying them one by one`);
      return false;
    }
  }

  /** One message, in its own consumer span: a child of the context the producer put in the headers. */
  private async applyOne(
    source: Source,
    message: KafkaMessage,
    decoded: DecodeResult,
    handlers: EventHandlers,
    heartbeat: () => Promise<void>,
    stopping: AbortSignal,
  ): Promise<void> {
    if (decoded.ok && !handlers.handles(decoded.event.type)) return; // not for this service
    const [span, spanContext] = this.startConsumerSpan(source, message, decoded.ok ? decoded.event : undefined);
    if (decoded.ok) bindEventContext(decoded.event, spanContext);
    try {
      await context.with(spanContext, () =>
        decoded.ok
          ? this.applyWithRetries(source, { message, event: decoded.event }, handlers, heartbeat, stopping)
          : this.deadLetter(source, message, decoded.error, 'InvalidEvent', 1),
      );
      endSpan(span);
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  }

  /**
   * Transient failures (database or broker unavailable) are retried for as long as it takes: the
   * message is never skipped. Unknown ones get MESSAGE_MAX_ATTEMPTS attempts, permanent ones one;
   * then the message is dead-lettered. Shutting down ends the retries and leaves the message
   * uncommitted: it is redelivered to whoever takes the partition.
   */
  private async applyWithRetries(
    source: Source,
    { message, event }: Applicable,
    handlers: EventHandlers,
    heartbeat: () => Promise<void>,
    stopping: AbortSignal,
  ): Promise<void> {
    const maxAttempts = this.options.config.messaging.maxAttempts;
    let attempts = 0;
    try {
      const outcome = await retrying(
        async (attempt) => {
          attempts = attempt;
          if (attempt > 1) await heartbeat().catch(() => undefined);
          return this.apply(source, { message, event }, handlers);
        },
        {
          initialDelayMs: 200,
          maxDelayMs: 5000,
          signal: stopping,
          retryIf: (error, attempt) => {
            const kind = classifyFailure(error);
            return kind === 'transient' || (kind === 'unknown' && attempt < maxAttempts);
          },
          onRetry: (error, attempt) =>
            this.logger.warn(
              `${event.type} ${event.eventId} failed (${classifyFailure(error)}, attempt ${attempt}), retrying: ${reason(error)}`,
            ),
        },
      );
      if (outcome === 'duplicate') annotate({ 'messaging.duplicate': true });
      this.logger.debug(`${outcome} ${event.type} ${event.eventId} of ${subjectIdOf(event)}`);
    } catch (error) {
      if (stopping.aborted) throw error;
      this.logger.error(`${event.type} ${event.eventId} of ${subjectIdOf(event)} failed ${attempts} time(s): ${reason(error)}`);
      await this.deadLetter(source, message, reason(error), error instanceof Error ? error.name : 'unknown', attempts);
    }
  }

  /** Applies one event exactly once: its id is recorded in the same transaction as the effect. */
  private apply(source: Source, item: Applicable, handlers: EventHandlers): Promise<Outcome> {
    return this.db.transaction(async () => {
      if ((await this.claim([item.event])).size === 0) return 'duplicate';
      for (const handler of handlers.of(item.event.type)) {
        await invoke(handler, handler.batch ? [item.event] : item.event, contextOf(source, [item]));
      }
      return 'applied';
    });
  }

  /** `errorType` classifies the error for metrics (an error's class, or InvalidEvent): never its message. */
  private async deadLetter({ topic, partition }: Source, message: KafkaMessage, error: string, errorType: string, attempts: number) {
    this.logger.warn(`dead-lettering ${topic}[${partition}]@${message.offset}: ${error}`);
    annotate({ 'messaging.dead_lettered': true, 'error.type': error.slice(0, 200) });
    await this.deadLetters.park({ topic, partition, message, error, attempts });
    this.metrics.deadLettered(topic, errorType);
  }

  /** Records event ids as applied, in the current transaction; returns those that were not applied before. */
  private async claim(events: AnyDomainEvent[]): Promise<Set<string>> {
    const rows = await this.db.query<{ event_id: string }>(
      `INSERT INTO processed_events (event_id, event_type) SELECT * FROM unnest($1::uuid[], $2::text[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [events.map((e) => e.eventId), events.map((e) => e.type)],
    );
    return new Set(rows.map((row) => row.event_id));
  }

  private startConsumerSpan({ topic, partition }: Source, message: KafkaMessage, event: AnyDomainEvent | undefined) {
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
        ...(event ? { 'messaging.message.id': event.eventId, ...subjectAttribute(event), 'event.type': event.type } : {}),
      },
      contextFromHeaders(textHeaders(message.headers)),
    );
  }
}

const contextOf = ({ topic, partition }: Source, items: Applicable[]) =>
  new KafkaEventContext([topic, partition, items.map((item) => item.message)]);
