import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { DisputeReasons, parseRupees } from '@app/contracts';

export const OpenDisputeRequest = z
  .object({
    paymentId: z.uuid().describe('the disputed payment: one of which the caller is the payer'),
    reason: z.enum(DisputeReasons),
    description: z.string().trim().min(1).max(500).describe("the payer's account of what went wrong, 1–500 characters"),
    amount: z
      .string()
      .refine((text) => (parseRupees(text) ?? 0) > 0, 'must be a decimal string above zero with at most 2 fraction digits, such as "25.50"')
      .optional()
      .describe('the disputed amount; by default, what is not yet refunded of the payment')
      .meta({ example: '25.50' }),
  })
  .strict()
  .transform(({ amount, ...rest }) => ({ ...rest, amountPaise: amount === undefined ? undefined : parseRupees(amount)! }));

/** What a payer sends to dispute a payment; any other field is rejected. */
export class OpenDisputeDto extends createZodDto(OpenDisputeRequest) {}
export type OpenDisputeCommand = z.output<typeof OpenDisputeRequest>;
