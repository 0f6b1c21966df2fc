import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const CommentRequest = z
  .object({
    text: z.string().trim().min(1).max(500).describe('1–500 characters'),
  })
  .strict();

export class CommentDto extends createZodDto(CommentRequest) {}
