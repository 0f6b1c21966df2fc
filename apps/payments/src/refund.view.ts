import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { formatPaise, RefundFailureReasons } from '@app/contracts';
import { Refund, RefundStatuses } from './refund';

/** The refund resource as clients see it (disputes.md). */
export const RefundResource = z.object({
  id: z.uuid(),
  paymentId: z.uuid(),
  amount: z.string().describe('decimal rupees, e.g. "25.50"'),
  reason: z.string(),
  status: z.enum(RefundStatuses),
  failureReason: z.enum(RefundFailureReasons).nullable().describe('set when FAILED'),
  disputeId: z.uuid().nullable().describe('the dispute whose resolution made this refund; null when the payee or an operator asked'),
  createdAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable().describe('set when the status becomes final'),
  traceId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .nullable()
    .describe("the refund's own trace (linked to the payment's); null when tracing was off"),
});
export type RefundView = z.infer<typeof RefundResource>;
export class RefundResourceDto extends createZodDto(RefundResource) {}
export class RefundListDto extends createZodDto(z.object({ data: z.array(RefundResource).describe('oldest first') })) {}

export function toRefundView(r: Refund): RefundView {
  return {
    id: r.id,
    paymentId: r.paymentId,
    amount: formatPaise(r.amountPaise),
    reason: r.reason,
    status: r.status,
    failureReason: r.failureReason,
    disputeId: r.disputeId,
    createdAt: r.createdAt.toISOString(),
    completedAt: r.completedAt?.toISOString() ?? null,
    traceId: r.traceId,
  };
}
