import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { DisputeOutcomes } from '@app/contracts';

export const ResolveDisputeRequest = z
  .object({
    outcome: z
      .enum(DisputeOutcomes)
      .describe('PAYER: the payer gets the disputed amount back (the payments service makes the refund); PAYEE: nothing moves'),
    note: z.string().trim().min(1).max(500).describe("the operator's reasons, 1–500 characters, shown to the parties"),
  })
  .strict();

export class ResolveDisputeDto extends createZodDto(ResolveDisputeRequest) {}
