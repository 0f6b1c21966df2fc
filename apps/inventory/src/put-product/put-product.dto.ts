import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** The column is a PostgreSQL integer; anything larger is a client error, not a 500. */
const MAX_STOCK = 2_147_483_647;

export const PutProductBody = z
  .object({
    name: z.string().min(1).max(200),
    stock: z.number().int().min(0).max(MAX_STOCK),
  })
  .strict();

export class PutProductBodyDto extends createZodDto(PutProductBody) {}
