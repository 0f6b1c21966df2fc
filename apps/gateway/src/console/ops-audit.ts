import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, Producer } from 'kafkajs';
import { DomainEvent, EventCatalog } from '@app/contracts';
import { OperatorAudit } from '@app/auth';
import { SERVICE_CONFIG, ServiceConfig } from '@app/platform';
import { CONSOLE_KAFKA } from './console.tokens';

/**
 * The audit of the console's routes, libs/auth's `OperatorAudit` with another way to write: the
 * gateway has no outbox, so the `OperatorActed` event is published directly (idempotent producer,
 * all replicas); a failure is logged, never the request's.
 */
@Injectable()
export class OpsAuditInterceptor extends OperatorAudit implements OnApplicationShutdown {
  private producer?: Promise<Producer>;

  constructor(
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(CONSOLE_KAFKA) private readonly kafka: Kafka,
  ) {
    super(config);
  }

  async onApplicationShutdown(): Promise<void> {
    await (await this.producer?.catch(() => undefined))?.disconnect();
  }

  protected async write(event: DomainEvent<'OperatorActed'>): Promise<void> {
    await (
      await this.connected()
    ).send({
      topic: `${this.config.kafka.topicPrefix}${EventCatalog.OperatorActed.topic}`,
      acks: -1,
      messages: [{ key: event.userId, value: JSON.stringify(event), headers: { 'event-type': event.type } }],
    });
  }

  private connected(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    })();
    this.producer.catch(() => (this.producer = undefined)); // the next record tries again
    return this.producer;
  }
}
