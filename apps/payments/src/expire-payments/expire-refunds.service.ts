import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/messaging';
import { context, contextFromHeaders, endSpan, SpanKind, startSpan } from '@app/telemetry';
import { DEADLINE_SETTINGS, DeadlineSettings } from '../config';
import { RefundsRepository } from '../refunds.repository';
import { SettleRefundService } from '../settle-refund/settle-refund.service';
import { SWEEP_BATCH } from './expire-payments.service';

@Injectable()
export class ExpireRefundsService {
  constructor(
    @Inject(DEADLINE_SETTINGS) private readonly settings: DeadlineSettings,
    private readonly unitOfWork: UnitOfWork,
    private readonly refunds: RefundsRepository,
    private readonly settle: SettleRefundService,
  ) {}

  /**
   * One sweep: refunds still PENDING after PAYMENT_TIMEOUT_S fail EXPIRED, each in its own
   * transaction and in its own trace (the refund's). The settling locks the payment, then the
   * refund, and decides on what it finds: a refund that a ledger answer or another instance decided
   * meanwhile is left as it is. True when the batch was full: there may be more.
   */
  async sweepOnce(): Promise<boolean> {
    const overdue = await this.unitOfWork.run(() => this.refunds.overdue(this.settings.paymentTimeoutMs, SWEEP_BATCH));
    for (const refund of overdue) {
      const parent = contextFromHeaders({ traceparent: refund.traceParent ?? undefined });
      const [span, spanContext] = startSpan(
        'refund deadline EXPIRE',
        SpanKind.INTERNAL,
        { 'refund.id': refund.id, 'payment.id': refund.paymentId },
        parent,
      );
      try {
        await context.with(spanContext, () => this.unitOfWork.run(() => this.settle.expire(refund)));
        endSpan(span);
      } catch (error) {
        endSpan(span, error);
        throw error;
      }
    }
    return overdue.length === SWEEP_BATCH;
  }
}
