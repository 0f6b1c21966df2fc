import { Injectable } from '@nestjs/common';
import { AnyPaymentEvent } from '@app/contracts';
import { LifecycleEventsRepository } from './lifecycle-events.repository';

@Injectable()
export class LifecycleEventsService {
  constructor(private readonly events: LifecycleEventsRepository) {}

  /** Keeps the events as they arrived, in the chunk's transaction. */
  record(events: AnyPaymentEvent[]): Promise<void> {
    return this.events.insert(events);
  }
}
