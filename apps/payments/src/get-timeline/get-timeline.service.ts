import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '@app/platform';
import { TIMELINE_SETTINGS, TimelineSettings } from '../config';
import { isPaymentId } from '../payment';
import { PaymentTimelineRepository } from '../payment-timeline.repository';
import { PaymentsRepository } from '../payments.repository';
import { TimelineView, toTimelineView } from './timeline.view';

@Injectable()
export class GetTimelineService {
  constructor(
    @Inject(TIMELINE_SETTINGS) private readonly settings: TimelineSettings,
    private readonly payments: PaymentsRepository,
    private readonly timeline: PaymentTimelineRepository,
  ) {}

  /** What happened to a payment, step by step across the services, with the link to its trace. */
  async timelineOf(id: string): Promise<TimelineView> {
    const payment = isPaymentId(id) ? await this.payments.findById(id) : null;
    if (!payment) throw notFound('PAYMENT.NOT_FOUND', `payment ${id} not found`);
    const rows = await this.timeline.listOf(payment.id);
    return toTimelineView(payment.id, payment.traceId, rows, this.settings.traceViewerUrl);
  }
}
