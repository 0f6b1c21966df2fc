import { SetMetadata } from '@nestjs/common';
import { DomainEvent, EventType } from '@app/contracts';
import { EntityManager } from 'typeorm';

export const ON_EVENT = Symbol('ON_EVENT');

/**
 * Marks a provider method as the handler of one or more event types. The runtime calls it inside
 * a database transaction that also records the event id, so the handler's effect happens once.
 * A handler parses nothing and decides nothing: it calls one service method.
 */
export const OnEvent = (...types: EventType[]) => SetMetadata(ON_EVENT, types);

export type EventHandlerFn<T extends EventType = EventType> = (event: DomainEvent<T>, tx: EntityManager) => Promise<void>;

/** A failure that retrying cannot mend: the message goes straight to the dead-letter topic. */
export class PermanentMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentMessageError';
  }
}
