import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { DisputeOutcomes, DisputeReasons, formatPaise } from '@app/contracts';
import { Dispute, DisputeComment, HistoryEntry, outcomeOf } from './dispute';
import { DisputeStatuses } from './dispute-status';
import { RefundStatuses } from './tracked-payment';

/** The dispute resource as clients see it (also documents the responses at /docs). */
// (Nullable fields carry a description: without one, the OpenAPI conversion mangles `string | null`.)
export const DisputeResource = z.object({
  id: z.uuid(),
  paymentId: z.uuid(),
  payerVpa: z.string(),
  payeeVpa: z.string(),
  amount: z.string().describe('the disputed amount, decimal rupees, e.g. "125.50"'),
  reason: z.enum(DisputeReasons),
  description: z.string(),
  status: z.enum(DisputeStatuses),
  escalated: z.boolean().describe('true once it stayed OPEN longer than DISPUTE_REVIEW_SLA_S and operators were told'),
  escalatedAt: z.iso.datetime().nullable().describe('when it was escalated; null if it never was'),
  resolution: z
    .object({
      outcome: z.enum(DisputeOutcomes),
      note: z.string(),
      resolvedBy: z.uuid().describe("the resolving operator's user id"),
      resolvedAt: z.iso.datetime(),
    })
    .nullable()
    .describe('set once RESOLVED_FOR_PAYER or RESOLVED_FOR_PAYEE'),
  refund: z
    .object({
      id: z.uuid(),
      status: z.enum(RefundStatuses),
      failureReason: z.string().nullable().describe('set when FAILED'),
    })
    .nullable()
    .describe('the refund made for a dispute resolved for the payer, once the payments service has made it'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type DisputeView = z.infer<typeof DisputeResource>;

export const HistoryResource = z.object({
  from: z.enum(DisputeStatuses).nullable().describe('null for the opening'),
  to: z.enum(DisputeStatuses),
  changedBy: z.uuid().describe('the user id of whoever made the change'),
  changedAt: z.iso.datetime(),
});

export const CommentResource = z.object({
  id: z.uuid(),
  authorUserId: z.uuid(),
  authorRole: z.enum(['PAYER', 'PAYEE', 'OPERATOR']),
  text: z.string(),
  createdAt: z.iso.datetime(),
});
export type CommentView = z.infer<typeof CommentResource>;

export const DisputeDetailResource = DisputeResource.extend({
  history: z.array(HistoryResource).describe('every status change, oldest first, the opening included'),
  comments: z.array(CommentResource).describe('oldest first'),
});
export type DisputeDetailView = z.infer<typeof DisputeDetailResource>;

export const DisputePage = z.object({
  data: z.array(DisputeResource),
  nextCursor: z.string().nullable().describe('the cursor of the next page; null on the last'),
});

export class DisputeResourceDto extends createZodDto(DisputeResource) {}
export class DisputeDetailResourceDto extends createZodDto(DisputeDetailResource) {}
export class CommentResourceDto extends createZodDto(CommentResource) {}
export class DisputePageDto extends createZodDto(DisputePage) {}

export function toDisputeView(d: Dispute): DisputeView {
  const outcome = outcomeOf(d.status);
  return {
    id: d.id,
    paymentId: d.paymentId,
    payerVpa: d.payerVpa,
    payeeVpa: d.payeeVpa,
    amount: formatPaise(d.amountPaise),
    reason: d.reason,
    description: d.description,
    status: d.status,
    escalated: d.escalatedAt !== null,
    escalatedAt: d.escalatedAt?.toISOString() ?? null,
    resolution:
      outcome && d.resolvedAt && d.resolvedBy && d.resolutionNote !== null
        ? { outcome, note: d.resolutionNote, resolvedBy: d.resolvedBy, resolvedAt: d.resolvedAt.toISOString() }
        : null,
    refund: d.refund && { id: d.refund.id, status: d.refund.status, failureReason: d.refund.failureReason },
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

export function toCommentView(c: DisputeComment): CommentView {
  return { id: c.id, authorUserId: c.authorUserId, authorRole: c.authorRole, text: c.text, createdAt: c.createdAt.toISOString() };
}

export function toDetailView(d: Dispute, history: HistoryEntry[], comments: DisputeComment[]): DisputeDetailView {
  return {
    ...toDisputeView(d),
    history: history.map((h) => ({ from: h.from, to: h.to, changedBy: h.changedBy, changedAt: h.changedAt.toISOString() })),
    comments: comments.map(toCommentView),
  };
}
