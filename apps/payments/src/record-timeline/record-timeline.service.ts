import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AnyDomainEvent } from '@app/contracts';
import { PermanentMessageError } from '@app/messaging';
import { PaymentTimelineRepository } from '../payment-timeline.repository';
import { PaymentsRepository } from '../payments.repository';

@Injectable()
export class RecordTimelineService {
  constructor(
    private readonly payments: PaymentsRepository,
    private readonly timeline: PaymentTimelineRepository,
  ) {}

  /** Puts what another service did after the outcome on the payment's timeline; the payment itself does not change. */
  async record(tx: EntityManager, event: AnyDomainEvent): Promise<void> {
    if (!(await this.payments.exists(tx, event.paymentId))) throw new PermanentMessageError(`payment ${event.paymentId} is unknown`);
    await this.timeline.add(tx, [event]);
  }
}
