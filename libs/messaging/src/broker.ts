import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import { deadLetterTopic, EventCatalog } from '@app/contracts';
import { BrokerHealth } from '@app/platform';
import { EventConsumer } from './event-consumer';
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
    private readonly consumer: EventConsumer,
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
    if (this.consumer.failure) return { ok: false, detail: `consumer stopped: ${this.consumer.failure}` };
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
    for (let attempt = 1; ; attempt++) {
      const existing = new Set(await this.admin.listTopics());
      const missing = wanted.filter((topic) => !existing.has(topic));
      if (missing.length === 0) return;
      let created = false;
      try {
        created = await this.admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: config.kafka.partitions,
            replicationFactor: config.kafka.replicationFactor,
          })),
        });
        if (created) this.logger.log(`created topics ${missing.join(', ')}`);
      } catch (error) {
        if (attempt >= TOPIC_ATTEMPTS) throw error;
        this.logger.warn(`creating topics ${missing.join(', ')} (attempt ${attempt}): ${(error as Error).message}; looking again`);
      }
      if (attempt >= TOPIC_ATTEMPTS) throw new Error(`topics still missing after ${attempt} attempts: ${missing.join(', ')}`);
      if (!created) await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}
