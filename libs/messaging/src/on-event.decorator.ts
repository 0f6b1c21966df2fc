import { SetMetadata } from '@nestjs/common';
import { DomainEvent, EventType } from '@app/contracts';
import { EntityManager } from 'typeorm';

export const ON_EVENT = Symbol('ON_EVENT');
export const ON_EVENT_BATCH = Symbol('ON_EVENT_BATCH');

/**
 * Marks a provider method as the handler of one or more event types. The runtime calls it inside
 * a database transaction that also records the event id, so the handler's effect happens once.
 * A handler parses nothing and decides nothing: it calls one service method.
 */
export const OnEvent = (...types: EventType[]) => SetMetadata(ON_EVENT, types);

export type EventHandlerFn<T extends EventType = EventType> = (event: DomainEvent<T>, tx: EntityManager) => Promise<void>;

/**
 * Marks a provider method as the handler of all the events of these types in one chunk of a Kafka
 * batch (in offset order, duplicates already left out), in the chunk's transaction: one statement
 * can then serve many events. It runs after the chunk's @OnEvent handlers, and with a single event
 * when messages are applied one by one. `annotateEvent` and `Outbox.add(tx, events, causes)` tie
 * what it does to the span of the event that caused it.
 */
export const OnEventBatch = (...types: EventType[]) => SetMetadata(ON_EVENT_BATCH, types);

export type EventBatchHandlerFn<T extends EventType = EventType> = (events: Array<DomainEvent<T>>, tx: EntityManager) => Promise<void>;

/** A failure that retrying cannot mend: the message goes straight to the dead-letter topic. */
export class PermanentMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentMessageError';
  }
}
