import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Admin, Kafka } from 'kafkajs';
import { deadLetterTopic, EventCatalog } from '@app/contracts';
import { BrokerHealth } from '@app/platform';
import { EventConsumer } from './event-consumer';
import { KAFKA } from './kafka.tokens';
import { MESSAGING_OPTIONS, MessagingOptions, topicName } from './messaging.options';

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

  private async ensureTopics(): Promise<void> {
    const { config } = this.options;
    const logical = new Set<string>([...Object.values(EventCatalog).map((e) => e.topic), deadLetterTopic(config.service)]);
    const wanted = [...logical].map((name) => topicName(config, name));
    const existing = new Set(await this.admin.listTopics());
    const missing = wanted.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    try {
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: config.kafka.partitions,
          replicationFactor: config.kafka.replicationFactor,
        })),
      });
      this.logger.log(`created topics ${missing.join(', ')}`);
    } catch (error) {
      // Another service may have created them at the same moment; anything else is real.
      const now = new Set(await this.admin.listTopics());
      if (missing.some((topic) => !now.has(topic))) throw error;
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}
