import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { NotificationTypes, VPA_PATTERN } from '@app/contracts';

export const ListNotificationsQuery = z
  .object({
    vpa: z
      .string()
      .regex(VPA_PATTERN, 'must be a VPA like name@bank')
      .transform((v) => v.toLowerCase())
      .optional(),
    /** Only this type: an operator's escalated disputes (`DISPUTE_ESCALATED`), a user's refunds… */
    type: z.enum(NotificationTypes).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).max(200).optional(),
  })
  .strict();

export class ListNotificationsQueryDto extends createZodDto(ListNotificationsQuery) {}
