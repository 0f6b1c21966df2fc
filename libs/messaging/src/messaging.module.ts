import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BROKER_HEALTH } from '@app/platform';
import { Broker } from './broker';
import { DeadLetters } from './dead-letters';
import { EventConsumer } from './event-consumer';
import { InboxPurger } from './inbox-purger';
import { createKafka } from './kafka.client';
import { KAFKA } from './kafka.tokens';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { Outbox, OutboxRelay } from './outbox';
import { UnitOfWork } from './unit-of-work';

/** The messaging runtime, written once: outbox and relay, the idempotent consumer, dead letters. */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: KAFKA, useFactory: () => createKafka({ clientId: options.config.service, brokers: options.config.kafka.brokers }) },
        Outbox,
        OutboxRelay,
        UnitOfWork,
        DeadLetters,
        EventConsumer,
        InboxPurger,
        Broker,
        { provide: BROKER_HEALTH, useExisting: Broker },
      ],
      exports: [Outbox, UnitOfWork, BROKER_HEALTH, KAFKA, MESSAGING_OPTIONS],
    };
  }
}
