import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { DisputeStatuses } from '../dispute-status';

export const ListDisputesQuery = z
  .object({
    status: z.enum(DisputeStatuses).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(200).optional().describe('the nextCursor of the previous page'),
  })
  .strict();

export class ListDisputesQueryDto extends createZodDto(ListDisputesQuery) {}
