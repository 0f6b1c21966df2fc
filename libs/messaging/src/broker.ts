import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import { deadLetterTopic, EventCatalog } from '@app/contracts';
import { BrokerHealth, retrying } from '@app/platform';
import { KafkaEventTransport } from './event-transport';
import { KAFKA } from './kafka.tokens';
import { MESSAGING_OPTIONS, MessagingOptions, topicName } from './messaging.options';

/** How often the boot looks for (and creates) its topics before it gives up. */
const TOPIC_ATTEMPTS = 10;

/** Creates the topics this system uses (idempotently) and answers the readiness check. */
@Injectable()
export class Broker implements OnModuleInit, OnApplicationShutdown, BrokerHealth {
  private readonly logger = new Logger(Broker.name);
  private readonly admin: Admin;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly transport: KafkaEventTransport,
  ) {
    this.admin = kafka.admin();
  }

  async onModuleInit(): Promise<void> {
    await this.admin.connect();
    await this.ensureTopics();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }

  async check(): Promise<{ ok: boolean; detail?: string }> {
    if (this.transport.failure) return { ok: false, detail: `consumer stopped: ${this.transport.failure}` };
    try {
      await withTimeout(this.admin.describeCluster(), 2000);
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: (error as Error).message };
    }
  }

  /**
   * Creates the missing topics and waits until the broker's metadata lists them all. Services that
   * start together race to create the same topics, and a topic just created may be missing from
   * the metadata for a moment (kafkajs then fails with UNKNOWN_TOPIC_OR_PARTITION): both only mean
   * "look again", so this retries (bounded) instead of failing the boot.
   */
  private async ensureTopics(): Promise<void> {
    const { config } = this.options;
    const logical = new Set<string>([...Object.values(EventCatalog).map((e) => e.topic), deadLetterTopic(config.service)]);
    const wanted = [...logical].map((name) => topicName(config, name));
    const missing = async () => {
      const existing = new Set(await this.admin.listTopics());
      return wanted.filter((topic) => !existing.has(topic));
    };
    await retrying(
      async () => {
        const absent = await missing();
        if (absent.length === 0) return;
        const created = await this.admin.createTopics({
          waitForLeaders: true,
          topics: absent.map((topic) => ({
            topic,
            numPartitions: config.kafka.partitions,
            replicationFactor: config.kafka.replicationFactor,
          })),
        });
        if (created) this.logger.log(`created topics ${absent.join(', ')}`);
        // Created by us or by a service starting beside us: done once the metadata lists them all.
        const still = await missing();
        if (still.length > 0) throw new Error(`topics not listed yet: ${still.join(', ')}`);
      },
      {
        initialDelayMs: 200,
        maxDelayMs: 2000,
        maxAttempts: TOPIC_ATTEMPTS,
        onRetry: (error, attempt) => this.logger.debug(`topics (attempt ${attempt}): ${(error as Error).message}; looking again`),
      },
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}
