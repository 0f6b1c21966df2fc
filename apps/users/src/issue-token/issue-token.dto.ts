import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { phone } from '../user-rules';

/** Any password is tried (up to the longest a user can have): its rules were checked when it was set. */
export const IssueTokenBody = z.object({ phone, password: z.string().min(1).max(1024) }).strict();

export class IssueTokenDto extends createZodDto(IssueTokenBody) {}
