import { Injectable } from '@nestjs/common';
import { AnyDomainEvent, EVENT_TYPES } from '@app/contracts';
import { OnEventBatch } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { LifecycleEventsService } from './lifecycle-events.service';

@Injectable()
export class LifecycleEventHandler {
  constructor(private readonly events: LifecycleEventsService) {}

  /** Every type in the catalogue, so a new event type is recorded without touching this service. */
  @OnEventBatch(...EVENT_TYPES)
  onEvents(events: AnyDomainEvent[], tx: EntityManager): Promise<void> {
    return this.events.record(tx, events);
  }
}
