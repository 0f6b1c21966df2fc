// What the five naive services share, written the way NestJS + Kafka tutorials do: a ClientKafka
// registered with ClientsModule and one awaited emit() per event, TypeORM through TypeOrmModule.
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ClientKafka, ClientsModule, Transport } from '@nestjs/microservices';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';

export const SERVICE = process.env.BENCH_SERVICE ?? 'payments';
export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const PREFIX = process.env.KAFKA_TOPIC_PREFIX ?? '';

export const TOPICS = {
  payments: `${PREFIX}payments.payment-events`,
  fraud: `${PREFIX}fraud.fraud-events`,
  inventory: `${PREFIX}inventory.inventory-events`,
  notifications: `${PREFIX}notifications.notification-events`,
  analytics: `${PREFIX}analytics.analytics-events`,
};
export const GROUP_ID = `${PREFIX}${SERVICE}`;

export interface LineItem {
  sku: string;
  quantity: number;
}

/** The project's event envelope (libs/contracts), so the three systems publish the same bytes. */
export interface DomainEvent<P = any> {
  eventId: string;
  type: string;
  schemaVersion: number;
  paymentId: string;
  occurredAt: string;
  producer: string;
  payload: P;
}

export function createEvent<P>(type: string, paymentId: string, payload: P, occurredAt = new Date()): DomainEvent<P> {
  return { eventId: randomUUID(), type, schemaVersion: 1, paymentId, occurredAt: occurredAt.toISOString(), producer: SERVICE, payload };
}

export function formatPaise(paise: number): string {
  return `${Math.trunc(paise / 100)}.${String(paise % 100).padStart(2, '0')}`;
}

const KAFKA_CLIENT = 'KAFKA_CLIENT';

export const KafkaClientModule = ClientsModule.register([
  {
    name: KAFKA_CLIENT,
    transport: Transport.KAFKA,
    options: {
      client: { clientId: `${SERVICE}-naive`, brokers: BROKERS },
      producer: { allowAutoTopicCreation: false },
      producerOnlyMode: true,
    },
  },
]);

@Injectable()
export class EventPublisher implements OnModuleInit {
  constructor(@Inject(KAFKA_CLIENT) private readonly client: ClientKafka) {}

  async onModuleInit() {
    await this.client.connect();
  }

  /** One event, one awaited send: the tutorial way (no outbox, no batching). */
  publish(topic: string, event: DomainEvent): Promise<unknown> {
    return lastValueFrom(this.client.emit(topic, { key: event.paymentId, value: event }));
  }
}

export function database(entities: Function[]) {
  return TypeOrmModule.forRoot({
    type: 'postgres',
    url: process.env.DATABASE_URL,
    schema: SERVICE,
    entities,
    synchronize: false,
    extra: { max: 10, application_name: `naive-${SERVICE}` },
  });
}
