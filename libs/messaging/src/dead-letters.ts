import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, KafkaMessage } from 'kafkajs';
import { deadLetterHeaders, deadLetterTopic } from '@app/contracts';
import { IdempotentProducer } from './idempotent-producer';
import { KAFKA } from './kafka.tokens';
import { MESSAGING_OPTIONS, MessagingOptions, topicName } from './messaging.options';

export interface DeadLetter {
  topic: string;
  partition: number;
  message: KafkaMessage;
  error: string;
  attempts: number;
}

/** Parks a message that can never be processed, with the error and its origin in the headers. */
@Injectable()
export class DeadLetters implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly producer: IdempotentProducer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {
    this.producer = new IdempotentProducer(kafka, new Logger(DeadLetters.name));
  }

  get topic(): string {
    return topicName(this.options.config, deadLetterTopic(this.options.config.service));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }

  async park({ topic, partition, message, error, attempts }: DeadLetter): Promise<void> {
    await this.producer.sendBatch([
      {
        topic: this.topic,
        messages: [
          {
            key: message.key,
            value: message.value,
            headers: deadLetterHeaders(message.headers, {
              service: this.options.config.service,
              error,
              topic,
              partition,
              offset: message.offset,
              attempts,
              failedAt: new Date(),
            }),
          },
        ],
      },
    ]);
  }
}
