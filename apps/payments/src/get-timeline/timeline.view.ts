import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { orderSteps, TimelineRow, TimelineSteps, traceUrlFor } from './timeline-steps';

/** A payment's timeline as clients see it (also documents the response at /docs). */
export const PaymentTimeline = z.object({
  paymentId: z.uuid(),
  traceId: z.string().nullable().describe('the trace of the request that created the payment; null when tracing was off'),
  traceUrl: z.string().nullable().describe('opens the trace in the trace viewer; null without a trace'),
  steps: z.array(
    z.object({
      step: z.enum(TimelineSteps),
      service: z.string().describe('the service that did it'),
      at: z.iso.datetime(),
      outcome: z.string().nullable().describe('what the step decided or did, e.g. "REJECTED: BLOCKLISTED"; null when nothing to add'),
    }),
  ),
});
export type TimelineView = z.infer<typeof PaymentTimeline>;

export class PaymentTimelineDto extends createZodDto(PaymentTimeline) {}

export function toTimelineView(paymentId: string, traceId: string | null, rows: TimelineRow[], traceViewerUrl: string): TimelineView {
  return {
    paymentId,
    traceId,
    traceUrl: traceUrlFor(traceViewerUrl, traceId),
    steps: orderSteps(rows).map((row) => ({
      step: row.step,
      service: row.service,
      at: row.occurredAt.toISOString(),
      outcome: row.outcome,
    })),
  };
}
