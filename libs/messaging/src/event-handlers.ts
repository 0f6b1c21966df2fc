import { MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { AnyDomainEvent, EVENT_TYPES, EventType } from '@app/contracts';
import { KafkaEventContext } from './kafka-event.context';

/** The extras of `@EventPattern(types, { batch: true })`. */
export interface EventPatternExtras {
  /** The handler takes all the chunk's new events of its types at once (see README, "Batches"). */
  batch?: boolean;
}

/** One `@EventPattern` method, for one of its event types, as Nest registered it. */
export interface EventHandler {
  /** Nest's wrapper of the method: pipes, `@Payload()`, `@Ctx()`, exception filters. */
  call: MessageHandler;
  /** Called once per chunk with all its events of the method's types, rather than once per event. */
  batch: boolean;
  /**
   * The method itself. Nest wraps a method once per pattern, but keeps one extras object per
   * decorated method: that object tells which wrappers belong to one batch handler.
   */
  method: object;
}

/** The handlers of a service, by event type: what its consumer group subscribes to. */
export class EventHandlers {
  private readonly byType = new Map<EventType, EventHandler[]>();

  add(pattern: unknown, call: MessageHandler, extras: EventPatternExtras): void {
    if (typeof pattern !== 'string' || !EVENT_TYPES.includes(pattern as EventType)) {
      throw new Error(`@EventPattern(${JSON.stringify(pattern)}): not an event type of the catalog (${EVENT_TYPES.join(', ')})`);
    }
    const type = pattern as EventType;
    this.byType.set(type, [...(this.byType.get(type) ?? []), { call, batch: extras.batch === true, method: extras }]);
  }

  handles(type: EventType): boolean {
    return this.byType.has(type);
  }

  of(type: EventType): EventHandler[] {
    return this.byType.get(type) ?? [];
  }

  get types(): EventType[] {
    return [...this.byType.keys()];
  }
}

/** Calls a handler through Nest and waits for all it does; a failure comes back as the error it threw. */
export async function invoke(handler: EventHandler, payload: AnyDomainEvent | AnyDomainEvent[], context: KafkaEventContext): Promise<void> {
  const result: unknown = await handler.call(payload, context);
  if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
}
