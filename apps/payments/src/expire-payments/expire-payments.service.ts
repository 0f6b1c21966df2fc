import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/messaging';
import { context, contextFromHeaders, endSpan, Span, SpanKind, startSpan } from '@app/telemetry';
import { DEADLINE_SETTINGS, DeadlineSettings } from '../config';
import { Payment } from '../payment';
import { PaymentsRepository } from '../payments.repository';
import { SettlePaymentService } from '../settle-payment/settle-payment.service';
import { DeadlineAction, deadlineAction, sweepHorizonMs } from './deadlines';

/** Payments handled per transaction: the rows stay locked until it commits. */
export const SWEEP_BATCH = 200;

@Injectable()
export class ExpirePaymentsService {
  constructor(
    @Inject(DEADLINE_SETTINGS) private readonly settings: DeadlineSettings,
    private readonly unitOfWork: UnitOfWork,
    private readonly payments: PaymentsRepository,
    private readonly settle: SettlePaymentService,
  ) {}

  /**
   * One sweep: in one transaction, locks the oldest PENDING payments past a deadline (by the
   * database clock; rows another instance or a consumer holds are skipped, so each is handled
   * once) and settles each through the saga. True when the batch was full: there may be more.
   * Each deadline is a span in the payment's own trace, so what follows from it (the release of
   * its stock, the notifications) shows there too.
   */
  async sweepOnce(): Promise<boolean> {
    const { paymentTimeoutMs, fraudFailureMode } = this.settings;
    const spans: Span[] = [];
    try {
      const full = await this.unitOfWork.run(async () => {
        const overdue = await this.payments.lockOverdue({
          olderThanMs: sweepHorizonMs(this.settings),
          expiredAfterMs: paymentTimeoutMs,
          failOpen: fraudFailureMode === 'open',
          limit: SWEEP_BATCH,
        });
        for (const { payment, now } of overdue) {
          const action = deadlineAction(payment, now, this.settings);
          if (!action) continue;
          const [span, spanContext] = deadlineSpan(payment, action);
          spans.push(span);
          await context.with(spanContext, () => this.settle.applyDeadline(payment.id, action));
        }
        return overdue.length === SWEEP_BATCH;
      });
      spans.forEach((span) => endSpan(span));
      return full;
    } catch (error) {
      spans.forEach((span) => endSpan(span, error));
      throw error;
    }
  }
}

/** A deadline's span: in the trace of the request that created the payment (a new trace when there was none). */
function deadlineSpan(payment: Payment, action: DeadlineAction) {
  const parent = contextFromHeaders({ traceparent: payment.traceParent ?? undefined });
  return startSpan(
    `payment deadline ${action}`,
    SpanKind.INTERNAL,
    { 'payment.id': payment.id, 'payment.deadline.action': action },
    parent,
  );
}
