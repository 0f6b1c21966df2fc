import { Injectable } from '@nestjs/common';
import { AnyDomainEvent } from '@app/contracts';
import { OnEventBatch } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { RecordTimelineService } from './record-timeline.service';

/** What the other services did once the payment was final: only its timeline takes note. */
@Injectable()
export class TimelineEventsHandler {
  constructor(private readonly timeline: RecordTimelineService) {}

  @OnEventBatch('StockCommitted', 'StockReleased', 'PaymentNotified', 'PaymentRecorded')
  onEvents(events: AnyDomainEvent[], tx: EntityManager): Promise<void> {
    return this.timeline.record(tx, events);
  }
}
