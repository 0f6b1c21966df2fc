import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { FailureReasons, formatPaise, FraudReasons, LineItemSchema } from '@app/contracts';
import { Payment, PaymentStatuses } from './payment';

/** The payment resource as clients see it (also documents the responses at /docs). */
// (Nullable fields carry a description: without one, the OpenAPI conversion mangles `string | null`.)
export const PaymentResource = z.object({
  id: z.uuid(),
  status: z.enum(PaymentStatuses),
  failureReason: z.enum(FailureReasons).nullable().describe('set when FAILED'),
  payerVpa: z.string(),
  payeeVpa: z.string(),
  amount: z.string().describe('decimal rupees, e.g. "125.50"'),
  refundedAmount: z.string().describe('what its succeeded refunds gave back, decimal rupees ("0.00" when none)'),
  currency: z.literal('INR'),
  note: z.string().nullable().describe('null when absent'),
  items: z.array(LineItemSchema),
  fraud: z
    .object({
      decision: z.enum(['APPROVED', 'REJECTED']),
      score: z.number().int(),
      reasons: z.array(z.enum(FraudReasons)),
      failOpen: z.boolean().describe('true when no assessment came in time and FRAUD_FAILURE_MODE=open approved the payment without one'),
    })
    .nullable()
    .describe('null until assessed'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable().describe('set when the status becomes final'),
  traceId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .nullable()
    .describe('the trace of the request that created the payment (32 hex characters); null when tracing was off'),
});
export type PaymentView = z.infer<typeof PaymentResource>;

export class PaymentResourceDto extends createZodDto(PaymentResource) {}

export const PaymentPage = z.object({
  data: z.array(PaymentResource),
  nextCursor: z.string().nullable().describe('the cursor of the next page; null on the last'),
});
export class PaymentPageDto extends createZodDto(PaymentPage) {}

export function toPaymentView(p: Payment): PaymentView {
  return {
    id: p.id,
    status: p.status,
    failureReason: p.failureReason,
    payerVpa: p.payerVpa,
    payeeVpa: p.payeeVpa,
    amount: formatPaise(p.amountPaise),
    refundedAmount: formatPaise(p.refundedPaise),
    currency: p.currency,
    note: p.note,
    items: p.items,
    fraud: p.fraud && {
      decision: p.fraud.decision,
      score: p.fraud.score,
      reasons: p.fraud.reasons,
      failOpen: p.fraud.source === 'FAIL_OPEN',
    },
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    completedAt: p.completedAt?.toISOString() ?? null,
    traceId: p.traceId,
  };
}
