import { DynamicModule, Global, Module } from '@nestjs/common';
import { BROKER_HEALTH, EVENT_TRANSPORT } from '@app/platform';
import { Broker } from './broker';
import { DeadLetters } from './dead-letters';
import { EventApplier } from './event-applier';
import { KafkaEventTransport } from './event-transport';
import { InboxPurger } from './inbox-purger';
import { createKafka } from './kafka.client';
import { KAFKA } from './kafka.tokens';
import { ConsumerMetrics, OutboxMetrics } from './messaging.metrics';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { Outbox, OutboxRelay } from './outbox';
import { UnitOfWork } from './unit-of-work';

/**
 * The messaging runtime, written once: outbox and relay, the event transport (Nest's
 * `@EventPattern` handlers, applied exactly once in chunked transactions), dead letters.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: KAFKA, useFactory: () => createKafka({ clientId: options.config.service, brokers: options.config.kafka.brokers }) },
        Outbox,
        OutboxRelay,
        UnitOfWork,
        DeadLetters,
        EventApplier,
        KafkaEventTransport,
        { provide: EVENT_TRANSPORT, useExisting: KafkaEventTransport },
        InboxPurger,
        Broker,
        ConsumerMetrics,
        OutboxMetrics,
        { provide: BROKER_HEALTH, useExisting: Broker },
      ],
      exports: [Outbox, UnitOfWork, BROKER_HEALTH, EVENT_TRANSPORT, KAFKA, MESSAGING_OPTIONS],
    };
  }
}
