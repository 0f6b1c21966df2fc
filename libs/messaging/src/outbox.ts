import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Span } from '@opentelemetry/api';
import { Kafka, Message } from 'kafkajs';
import { AnyDomainEvent, DomainEvent, EventCatalog, EventType, subjectIdOf } from '@app/contracts';
import { subjectAttribute } from './subject-attribute';
import { Database, PeriodicTask, valuesList } from '@app/platform';
import { contextFromHeaders, currentTraceHeaders, endSpan, SpanKind, startSpan } from '@app/telemetry';
import { eventContext } from './event-context';
import { IdempotentProducer } from './idempotent-producer';
import { KAFKA } from './kafka.tokens';
import { MESSAGING_OPTIONS, MessagingOptions, topicName } from './messaging.options';

/** Writes events into the outbox inside the current transaction: no dual writes. */
@Injectable()
export class Outbox {
  constructor(private readonly db: Database) {}

  /**
   * `causes[i]`, when given, is the event whose trace `events[i]` continues (see `bindEventContext`):
   * the consumed event it follows from, when a batch handler applies many at once, or the event
   * itself, bound to the request that made it, when many requests are stored together. Without
   * it, a row continues the current trace.
   */
  async add(events: Array<DomainEvent<EventType>>, causes?: Array<AnyDomainEvent | undefined>): Promise<void> {
    if (events.length === 0) return;
    this.db.requireTransaction('Outbox.add');
    // The trace context goes with the row, so the relay publishes later under the context that wrote it.
    const current = JSON.stringify(currentTraceHeaders());
    const headersOf = (i: number) => {
      const cause = causes?.[i] && eventContext(causes[i]);
      return cause ? JSON.stringify(currentTraceHeaders(cause)) : current;
    };
    const { sql, params } = valuesList(
      events.map((event, i) => [
        event.eventId,
        event.type,
        EventCatalog[event.type].topic,
        subjectIdOf(event),
        JSON.stringify(event),
        headersOf(i),
      ]),
    );
    await this.db.query(`INSERT INTO outbox (event_id, event_type, topic, message_key, value, headers) VALUES ${sql}`, params);
  }
}

interface OutboxRow {
  id: string;
  event_id: string;
  topic: string;
  message_key: string;
  value: string;
  headers: Record<string, string>;
  event_type: string;
}

/**
 * Publishes the outbox in id order with an idempotent producer (acks=all) and deletes what the
 * broker acknowledged (a new producer after a failed send, see IdempotentProducer). One relay per schema publishes at a time (an advisory lock), so the order
 * of one payment's events is kept even with several instances. If the process dies after the
 * broker's ack but before the delete, the rows are published again: consumers dedupe by event id.
 * It runs whenever a transaction that wrote to the outbox commits (`wake`), and every
 * `relayPollMs` for rows written by other instances; failed rounds back off.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly producer: IdempotentProducer;
  private readonly task: PeriodicTask;
  private readonly batchSize: number;
  private started = false;
  /**
   * Fault injection for the fault suite: FAILPOINT=relay-crash-after-send kills the process after the
   * broker acknowledged a batch and before its rows are deleted, the worst moment for an outbox.
   */
  private readonly crashAfterSend = process.env.FAILPOINT === 'relay-crash-after-send';

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly db: Database,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {
    this.producer = new IdempotentProducer(kafka, this.logger);
    this.batchSize = options.relayBatchSize ?? 500;
    this.task = new PeriodicTask(
      this.logger,
      { intervalMs: options.relayPollMs ?? 250, maxBackoffMs: 5000 },
      async () => (await this.drainOnce()) >= this.batchSize,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
    this.started = true;
    this.task.start();
  }

  /** Stops the relay after one last round, so that what was written before is published (see KafkaEventTransport). */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.task.stop();
    await this.drainOnce().catch((error) => this.logger.warn(`final outbox drain failed: ${error}`));
    await this.producer.disconnect();
  }

  /** Called after a transaction that wrote to the outbox commits. */
  wake(): void {
    this.task.wake();
  }

  /** Publishes one batch; returns how many rows went out. */
  async drainOnce(): Promise<number> {
    const { schema } = this.options.config.database;
    return this.db.transaction(async () => {
      const [{ locked }] = await this.db.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
        `outbox:${schema}`,
      ]);
      if (!locked) return 0;
      const rows = await this.db.query<OutboxRow>(
        'SELECT id, event_id, topic, message_key, value, headers, event_type FROM outbox ORDER BY id LIMIT $1',
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      const { topicMessages, spans } = this.prepare(rows);
      try {
        await this.producer.sendBatch(topicMessages);
      } catch (error) {
        spans.forEach((span) => endSpan(span, error));
        throw error;
      }
      spans.forEach((span) => endSpan(span));
      if (this.crashAfterSend) process.kill(process.pid, 'SIGKILL'); // fault injection, see above
      await this.db.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
      return rows.length;
    });
  }

  /**
   * Groups the rows into per-topic messages, each with a producer span that is a child of the
   * context stored with its row, and that span's context in the message headers.
   */
  private prepare(rows: OutboxRow[]) {
    const byTopic = new Map<string, Message[]>();
    const spans: Span[] = [];
    for (const row of rows) {
      const topic = topicName(this.options.config, row.topic);
      const [span, spanContext] = startSpan(
        `send ${topic}`,
        SpanKind.PRODUCER,
        {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.destination.name': topic,
          'messaging.kafka.message.key': row.message_key,
          'messaging.message.id': row.event_id,
          ...subjectAttribute({ type: row.event_type, id: row.message_key }),
          'event.type': row.event_type,
        },
        contextFromHeaders(row.headers),
      );
      spans.push(span);
      const messages = byTopic.get(topic) ?? [];
      messages.push({
        key: row.message_key,
        value: row.value,
        headers: { ...currentTraceHeaders(spanContext), 'event-type': row.event_type },
      });
      byTopic.set(topic, messages);
    }
    return { topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), spans };
  }
}
