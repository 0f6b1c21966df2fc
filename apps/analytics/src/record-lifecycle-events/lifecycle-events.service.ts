import { Injectable } from '@nestjs/common';
import { AnyDomainEvent } from '@app/contracts';
import { LifecycleEventsRepository } from './lifecycle-events.repository';

@Injectable()
export class LifecycleEventsService {
  constructor(private readonly events: LifecycleEventsRepository) {}

  /** Keeps the events as they arrived, in the chunk's transaction. */
  record(events: AnyDomainEvent[]): Promise<void> {
    return this.events.insert(events);
  }
}
