import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const ListEntriesQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(200).optional().describe('the nextCursor of the previous page'),
  })
  .strict();

export class ListEntriesQueryDto extends createZodDto(ListEntriesQuery) {}
