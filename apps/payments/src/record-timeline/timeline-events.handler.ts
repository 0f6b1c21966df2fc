import { Injectable } from '@nestjs/common';
import { AnyDomainEvent } from '@app/contracts';
import { OnEvent } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { RecordTimelineService } from './record-timeline.service';

/** What the other services did once the payment was final: only its timeline takes note. */
@Injectable()
export class TimelineEventsHandler {
  constructor(private readonly timeline: RecordTimelineService) {}

  @OnEvent('StockCommitted', 'StockReleased', 'PaymentNotified', 'PaymentRecorded')
  onEvent(event: AnyDomainEvent, tx: EntityManager): Promise<void> {
    return this.timeline.record(tx, event);
  }
}
