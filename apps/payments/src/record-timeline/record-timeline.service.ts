import { Injectable } from '@nestjs/common';
import { AnyPaymentEvent } from '@app/contracts';
import { PermanentMessageError } from '@app/messaging';
import { PaymentTimelineRepository } from '../payment-timeline.repository';
import { PaymentsRepository } from '../payments.repository';

@Injectable()
export class RecordTimelineService {
  constructor(
    private readonly payments: PaymentsRepository,
    private readonly timeline: PaymentTimelineRepository,
  ) {}

  /**
   * Puts what other services did after the outcome on the payments' timelines, one statement for
   * the lot; the payments themselves do not change.
   */
  async record(events: AnyPaymentEvent[]): Promise<void> {
    const known = await this.payments.existing(events.map((e) => e.paymentId));
    const unknown = events.find((e) => !known.has(e.paymentId));
    if (unknown) throw new PermanentMessageError(`payment ${unknown.paymentId} is unknown`);
    await this.timeline.add(events);
  }
}
