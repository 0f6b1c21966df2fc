import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const time = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-01-31T10:00:00Z' });

export const ListAuditQuery = z
  .object({
    actor: z.uuid({ message: 'must be a user id' }).optional().describe('only what this user did'),
    from: time.optional().describe('records at or after this time'),
    to: time.optional().describe('records before this time'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(200).optional().describe('the nextCursor of the previous page'),
  })
  .strict();

export class ListAuditQueryDto extends createZodDto(ListAuditQuery) {}
