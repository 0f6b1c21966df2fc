import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { Admin, Kafka } from 'kafkajs';
import { Database } from '@app/platform';
import { meter } from '@app/telemetry';
import { KAFKA } from './kafka.tokens';
import { MESSAGING_OPTIONS, MessagingOptions, topicName } from './messaging.options';

const METER = '@app/messaging';

/**
 * Messages of a partition not yet processed: from `next` (the offset the group will process next)
 * up to the high watermark (the offset the next message written will get). Never negative: a
 * watermark read before the last messages were written is older than what was processed.
 */
export function consumerLag(highWatermark: string, next: string): number {
  const lag = BigInt(highWatermark) - BigInt(next);
  return lag > 0n ? Number(lag) : 0;
}

/**
 * Where a group stands in a partition it has not fetched from since it was assigned: its committed
 * offset, or (none committed: it starts from the beginning) the partition's first offset.
 */
export function startingLag(watermarks: { high: string; low: string }, committed: string | undefined): number {
  return consumerLag(watermarks.high, committed === undefined || committed === '-1' ? watermarks.low : committed);
}

/** Topic → partitions, as kafkajs reports a member's assignment. */
export type Assignment = Record<string, number[]>;

/**
 * What the consumer knows about its progress, as metrics: `messaging.kafka.consumer.lag` per
 * assigned partition, from the high watermark each fetched batch carries and the last offset
 * applied (no request to the broker at scrape time); a partition with nothing new since it was
 * assigned delivers no batch, so each assignment is read once from the broker (watermarks and the
 * group's committed offsets) until batches say more. Also `messaging.client.consumed.messages`
 * and `messaging.dead_letters`.
 */
@Injectable()
export class ConsumerMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ConsumerMetrics.name);
  private admin?: Admin;
  /** The read of an assignment in flight (at most one at a time), and whether the service is stopping. */
  private reading: Promise<void> = Promise.resolve();
  private stopping = false;
  /** `topic partition` → where the group is in it. */
  private readonly partitions = new Map<string, { topic: string; partition: number; highWatermark: string; next: string }>();
  private readonly group: string;
  // Made with the provider, after telemetry started (before Nest loaded): instruments made earlier record nothing.
  private readonly consumed = meter(METER).createCounter('messaging.client.consumed.messages', {
    description: 'Messages the consumer group processed (applied, skipped as duplicates or dead-lettered).',
    unit: '{message}',
  });
  private readonly deadLetters = meter(METER).createCounter('messaging.dead_letters', {
    description: 'Messages parked on the dead-letter topic, by the topic they came from and why.',
    unit: '{message}',
  });

  constructor(
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
  ) {
    this.group = topicName(options.config, options.config.service);
  }

  /**
   * A read still in flight finishes first: left behind, it would outlive the service's connections
   * (in a test, the test). With the broker away it may retry for long: a shutdown waits 10 s at most.
   */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.race([this.reading, delay(10_000, undefined, { ref: false })]);
    await this.admin?.disconnect();
  }

  onApplicationBootstrap(): void {
    meter(METER)
      .createObservableGauge('messaging.kafka.consumer.lag', {
        description: 'Messages of an assigned partition that the consumer group has not processed yet.',
        unit: '{message}',
      })
      .addCallback((result) => {
        for (const { topic, partition, highWatermark, next } of this.partitions.values()) {
          result.observe(consumerLag(highWatermark, next), {
            'messaging.system': 'kafka',
            'messaging.consumer.group.name': this.group,
            'messaging.destination.name': topic,
            'messaging.destination.partition.id': String(partition),
          });
        }
      });
  }

  /** Where a partition stands: `next` is the offset to be processed next (the first of a batch, or one past the last applied). */
  progress(topic: string, partition: number, highWatermark: string, next: string): void {
    this.partitions.set(`${topic} ${partition}`, { topic, partition, highWatermark, next });
  }

  /** Messages of a partition processed (and their offsets resolved). */
  processed(topic: string, partition: number, count: number): void {
    this.consumed.add(count, {
      'messaging.system': 'kafka',
      'messaging.consumer.group.name': this.group,
      'messaging.destination.name': topic,
      'messaging.destination.partition.id': String(partition),
    });
  }

  /**
   * After a rebalance: partitions this member no longer has are another member's to report; those
   * it has and knows nothing of yet are read from the broker (what a batch said since wins).
   */
  assigned(assignment: Assignment): Promise<void> {
    this.reading = this.reading.then(() => this.read(assignment));
    return this.reading;
  }

  private async read(assignment: Assignment): Promise<void> {
    if (this.stopping) return;
    for (const [key, { topic, partition }] of this.partitions) {
      if (!assignment[topic]?.includes(partition)) this.partitions.delete(key);
    }
    try {
      this.admin ??= this.kafka.admin();
      await this.admin.connect();
      for (const [topic, partitions] of Object.entries(assignment)) {
        const [watermarks, [committed]] = await Promise.all([
          this.admin.fetchTopicOffsets(topic),
          this.admin.fetchOffsets({ groupId: this.group, topics: [topic] }),
        ]);
        for (const partition of partitions) {
          const marks = watermarks.find((p) => p.partition === partition);
          if (!marks || this.partitions.has(`${topic} ${partition}`)) continue;
          const lag = startingLag(marks, committed?.partitions.find((p) => p.partition === partition)?.offset);
          this.progress(topic, partition, marks.high, String(BigInt(marks.high) - BigInt(lag)));
        }
      }
    } catch (error) {
      // Nothing lost: the partitions' lag appears with their next batch.
      this.logger.warn(`consumer lag not read at assignment: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** A message parked on the dead-letter topic; `errorType` is a class of error (low cardinality), never a message. */
  deadLettered(sourceTopic: string, errorType: string): void {
    this.deadLetters.add(1, { 'messaging.destination.name': sourceTopic, 'error.type': errorType });
  }
}

/**
 * `outbox.backlog` (rows not yet published) and `outbox.oldest.age` (seconds since the oldest of
 * them was written, 0 when there is none), read at each scrape with one cheap query: the outbox is
 * small, as the relay empties it continually.
 */
@Injectable()
export class OutboxMetrics implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxMetrics.name);

  constructor(
    private readonly db: Database,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    const instruments = meter(METER);
    const backlog = instruments.createObservableGauge('outbox.backlog', {
      description: 'Outbox rows not yet published.',
      unit: '{row}',
    });
    const oldest = instruments.createObservableGauge('outbox.oldest.age', {
      description: 'Age of the oldest outbox row not yet published; 0 when the outbox is empty.',
      unit: 's',
    });
    const attributes = { service: this.options.config.service };
    instruments.addBatchObservableCallback(
      async (result) => {
        try {
          const [row] = await this.db.query<{ rows: number; age: number }>(
            `SELECT count(*)::int AS rows, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age FROM outbox`,
          );
          result.observe(backlog, row.rows, attributes);
          result.observe(oldest, row.age, attributes);
        } catch (error) {
          // The database unreachable: these series are missing from this scrape (absent() alerts on it).
          this.logger.warn(`outbox metrics unavailable: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
      [backlog, oldest],
    );
  }
}
