import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { vpa } from '../initiate-payment/initiate-payment.dto';
import { PaymentStatuses } from '../payment';

export const ListPaymentsQuery = z
  .object({
    vpa: vpa
      .optional()
      .describe('matches the payer or the payee, case-insensitively; for a user who is not an operator, one of the VPAs they hold now'),
    status: z.enum(PaymentStatuses).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(200).optional().describe('the nextCursor of the previous page'),
  })
  .strict();

export class ListPaymentsQueryDto extends createZodDto(ListPaymentsQuery) {}
