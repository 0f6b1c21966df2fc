import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { parseRupees } from '@app/contracts';

export const RequestRefundRequest = z
  .object({
    amount: z
      .string()
      .refine((text) => (parseRupees(text) ?? 0) > 0, 'must be a decimal string above zero with at most 2 fraction digits, e.g. "25.50"')
      .optional()
      .meta({ example: '25.50', description: 'defaults to all that is still refundable' }),
    reason: z.string().trim().min(1, 'must be 1–100 characters').max(100, 'must be 1–100 characters'),
  })
  .strict()
  .transform(({ amount, reason }) => ({ amountPaise: amount === undefined ? undefined : (parseRupees(amount) as number), reason }));

/** What a client sends to refund (part of) a payment; any other field is rejected. */
export class RequestRefundDto extends createZodDto(RequestRefundRequest) {}
export type RequestRefundCommand = z.output<typeof RequestRefundRequest>;
