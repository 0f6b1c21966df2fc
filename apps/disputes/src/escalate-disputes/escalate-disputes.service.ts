import { Inject, Injectable, Logger } from '@nestjs/common';
import { Outbox, UnitOfWork } from '@app/messaging';
import { context, contextFromHeaders, endSpan, Span, SpanKind, startSpan } from '@app/telemetry';
import { DISPUTE_SETTINGS, DisputeSettings } from '../config';
import { disputeEscalated } from '../dispute-events';
import { DisputesRepository } from '../disputes.repository';

/** Disputes escalated per transaction. */
export const ESCALATION_BATCH = 100;

@Injectable()
export class EscalateDisputesService {
  private readonly logger = new Logger(EscalateDisputesService.name);

  constructor(
    @Inject(DISPUTE_SETTINGS) private readonly settings: DisputeSettings,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly disputes: DisputesRepository,
  ) {}

  /**
   * One sweep: in one transaction, marks escalated the disputes OPEN longer than
   * DISPUTE_REVIEW_SLA_S (by the database clock) and not escalated yet, and writes a
   * DisputeEscalated for each (notifications tell the operators). A conditional update of rows
   * locked with SKIP LOCKED: with several instances each dispute is escalated, and announced, once.
   * True when the batch was full: there may be more. Each escalation is a trace of its own.
   */
  async sweepOnce(): Promise<boolean> {
    const spans: Span[] = [];
    try {
      const full = await this.unitOfWork.run(async () => {
        const escalated = await this.disputes.escalateOverdue(this.settings.reviewSlaMs, ESCALATION_BATCH);
        for (const dispute of escalated) {
          const [span, spanContext] = startSpan(
            'dispute escalated',
            SpanKind.INTERNAL,
            { 'dispute.id': dispute.id, 'payment.id': dispute.paymentId },
            contextFromHeaders({}),
          );
          spans.push(span);
          await context.with(spanContext, () => this.outbox.add([disputeEscalated(dispute)]));
        }
        return escalated.length === ESCALATION_BATCH;
      });
      spans.forEach((span) => endSpan(span));
      if (spans.length > 0) this.logger.log(`escalated ${spans.length} dispute(s) left OPEN past the review SLA`);
      return full;
    } catch (error) {
      spans.forEach((span) => endSpan(span, error));
      throw error;
    }
  }
}
