import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

// Parsed to a Date here so the database only ever receives a real instant (node-postgres writes
// years before 1 AD as BC, which PostgreSQL accepts, where the raw string would be a 500).
const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 date-time with an offset, e.g. 2026-11-21T10:00:00Z' })
  .transform((text) => new Date(text));

/**
 * A window on the payment's creation time: `from` inclusive, `to` exclusive, both optional. A
 * payment's refunds and disputes are counted in the window of the payment's creation time too.
 */
export const SummaryQuery = z
  .object({
    from: instant.optional().describe("inclusive, on the payment's creation time (its refunds and disputes go with it)"),
    to: instant.optional().describe("exclusive, on the payment's creation time (its refunds and disputes go with it)"),
  })
  .strict()
  // zod still runs this when a bound failed to parse, so it compares only bounds that are dates
  .refine((q) => !(q.from instanceof Date && q.to instanceof Date) || q.from.getTime() <= q.to.getTime(), {
    path: ['from'],
    message: 'must not be later than to',
  });

export class SummaryQueryDto extends createZodDto(SummaryQuery) {}
