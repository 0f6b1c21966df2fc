import { z } from 'zod';
import { normalizeVpa, VPA_PATTERN } from '@app/contracts';

/** A VPA as clients write it, in any case; the service keeps and compares it lowercase. */
export const vpa = z
  .string()
  .regex(VPA_PATTERN, 'must be a VPA such as alice@okbank')
  .transform((text) => normalizeVpa(text));
