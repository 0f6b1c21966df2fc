import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { normalizeVpa, VPA_PATTERN } from '@app/contracts';

export const VpaParam = z
  .object({
    vpa: z
      .string()
      .regex(VPA_PATTERN, 'must be a VPA handle@psp: 3–256 of [A-Za-z0-9._-], "@", then 2–64 letters or digits')
      .transform(normalizeVpa),
  })
  .strict();

export class VpaParamDto extends createZodDto(VpaParam) {}
