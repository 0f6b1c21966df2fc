import { Logger } from '@nestjs/common';
import { CompressionTypes, Kafka, Producer, TopicMessages } from 'kafkajs';

/**
 * An idempotent producer (acks=all, one request in flight) that starts again with a new producer
 * id after a failed send. kafkajs cannot bring an idempotent producer's sequence numbers back in
 * step with the broker once a send failed halfway: after a `kill -9` of the broker every later send
 * was refused with OUT_OF_ORDER_SEQUENCE_NUMBER and the outbox never drained. The callers send
 * again what failed, so a message may reach the topic twice; consumers deduplicate by event id.
 */
export class IdempotentProducer {
  private producer: Producer;
  private connected = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
  ) {
    this.producer = this.create();
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }

  async sendBatch(topicMessages: TopicMessages[]): Promise<void> {
    try {
      await this.connect();
      await this.producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages });
    } catch (error) {
      await this.renew();
      throw error;
    }
  }

  private create(): Producer {
    return this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  private async renew(): Promise<void> {
    const failed = this.producer;
    this.producer = this.create();
    this.connected = false;
    await failed.disconnect().catch((error) => this.logger.warn(`disconnecting a failed producer: ${error}`));
  }
}
