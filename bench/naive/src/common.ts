// What the seven naive services share, written the way NestJS + Kafka tutorials do: a ClientKafka
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
  ledger: `${PREFIX}ledger.ledger-events`,
  users: `${PREFIX}users.user-events`,
};
export const GROUP_ID = `${PREFIX}${SERVICE}`;

export interface LineItem {
  sku: string;
  quantity: number;
}

/** What PaymentInitiated carries, and with it every outcome: the payment's facts (version 2: with the parties' users). */
export interface PaymentFacts {
  payerVpa: string;
  payeeVpa: string;
  amountPaise: number;
  currency: string;
  items: LineItem[];
  createdAt: string;
  payerUserId: string | null;
  payeeUserId: string | null;
}
export interface PaymentCompleted extends PaymentFacts {
  completedAt: string;
  /** set on PaymentFailed only */
  failureReason?: string | null;
}

/** What the ledger's events say of a payment's money. */
export interface FundsFacts {
  payerVpa: string;
  payeeVpa: string;
  amountPaise: number;
}

/**
 * The payload of each event the naive services exchange (those of libs/contracts, current versions). Only
 * they produce on the naive system's topics, so the types are trusted as they are: no validation,
 * like the tutorials.
 */
export interface EventPayloads {
  PaymentInitiated: PaymentFacts;
  FraudAssessed: { decision: string; score: number; reasons: string[]; assessedAt: string };
  StockReserved: { items: LineItem[] };
  StockRejected: { items: LineItem[]; reason: string; skus: string[] };
  PaymentSucceeded: PaymentCompleted;
  PaymentFailed: PaymentCompleted & { failureReason: string | null };
  StockCommitted: { items: LineItem[] };
  StockReleased: { items: LineItem[] };
  FundsReserved: FundsFacts & { reservedAt: string };
  FundsRejected: FundsFacts & { reason: string; rejectedAt: string };
  FundsSettled: FundsFacts & { settledAt: string };
  FundsReleased: FundsFacts & { releasedAt: string };
  PaymentNotified: { notifications: Array<{ recipientVpa: string; type: string }> };
  PaymentRecorded: { status: string; latencyMs: number };
}
export type EventType = keyof EventPayloads;

/** The project's event envelope (libs/contracts), so the three systems publish the same bytes. */
export interface DomainEvent<T extends EventType = EventType> {
  eventId: string;
  type: T;
  schemaVersion: number;
  paymentId: string;
  occurredAt: string;
  producer: string;
  payload: EventPayloads[T];
}
/** One event of the given types (of any type by default): its type narrows its payload. */
export type AnyEvent<T extends EventType = EventType> = { [K in T]: DomainEvent<K> }[T];

/** The events at version 2 in libs/contracts (they carry the parties' user ids); the others are at 1. */
const VERSION_2: EventType[] = ['PaymentInitiated', 'PaymentSucceeded', 'PaymentFailed'];

export function createEvent<T extends EventType>(
  type: T,
  paymentId: string,
  payload: EventPayloads[T],
  occurredAt = new Date(),
): DomainEvent<T> {
  const schemaVersion = VERSION_2.includes(type) ? 2 : 1;
  return { eventId: randomUUID(), type, schemaVersion, paymentId, occurredAt: occurredAt.toISOString(), producer: SERVICE, payload };
}

/** The users service's events the naive payments reads (libs/contracts, keyed by user id). */
export type UserEvent =
  | { type: 'VpaLinked'; userId: string; payload: { vpa: string; linkedAt: string } }
  | { type: 'VpaUnlinked'; userId: string; payload: { vpa: string; unlinkedAt: string } }
  | { type: 'UserDeregistered'; userId: string; payload: { vpas: string[]; deregisteredAt: string } }
  | { type: 'UserRegistered'; userId: string; payload: unknown };

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

export function database(entities: Array<new () => object>) {
  return TypeOrmModule.forRoot({
    type: 'postgres',
    url: process.env.DATABASE_URL,
    schema: SERVICE,
    entities,
    synchronize: false,
    extra: { max: 10, application_name: `naive-${SERVICE}` },
  });
}
