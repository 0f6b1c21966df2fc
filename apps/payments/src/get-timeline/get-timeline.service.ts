import { Inject, Injectable } from '@nestjs/common';
import { Caller } from '@app/auth';
import { TIMELINE_SETTINGS, TimelineSettings } from '../config';
import { GetPaymentService } from '../get-payment/get-payment.service';
import { PaymentTimelineRepository } from '../payment-timeline.repository';
import { TimelineView, toTimelineView } from './timeline.view';

@Injectable()
export class GetTimelineService {
  constructor(
    @Inject(TIMELINE_SETTINGS) private readonly settings: TimelineSettings,
    private readonly payments: GetPaymentService,
    private readonly timeline: PaymentTimelineRepository,
  ) {}

  /**
   * What happened to a payment, step by step across the services, with the link to its trace; for
   * whoever may see the payment (anyone else: not found, as for an unknown id).
   */
  async timelineOf(id: string, caller: Caller): Promise<TimelineView> {
    const payment = await this.payments.visible(id, caller);
    const rows = await this.timeline.listOf(payment.id);
    return toTimelineView(payment.id, payment.traceId, rows, this.settings.traceViewerUrl);
  }
}
