import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { parseRupees } from '@app/contracts';

export const TransferFundsBody = z
  .object({
    amount: z
      .string()
      .refine(
        (text) => (parseRupees(text) ?? 0) > 0,
        'must be a decimal string above zero with at most 2 fraction digits, such as "1000.00"',
      )
      .meta({ example: '1000.00' }),
    reference: z
      .string()
      .min(1)
      .max(100)
      .describe("the bank's reference of the transfer: the same reference again is the same transfer")
      .meta({ example: 'NEFT-20261121-000123' }),
  })
  .strict();

export class TransferFundsBodyDto extends createZodDto(TransferFundsBody) {}
