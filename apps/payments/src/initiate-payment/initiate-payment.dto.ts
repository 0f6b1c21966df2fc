import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { normalizeVpa, parseRupees, VPA_PATTERN } from '@app/contracts';

export const MIN_AMOUNT_PAISE = 100; // "1.00"
export const MAX_AMOUNT_PAISE = 10_000_000; // "100000.00"
const SKU_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const vpa = z
  .string()
  .regex(VPA_PATTERN, 'must be a VPA handle@psp: 3–256 of [A-Za-z0-9._-], "@", then 2–64 letters or digits')
  .transform(normalizeVpa);

const amount = z
  .string()
  .refine((text) => {
    const paise = parseRupees(text);
    return paise !== null && paise >= MIN_AMOUNT_PAISE && paise <= MAX_AMOUNT_PAISE;
  }, 'must be a decimal string with at most 2 fraction digits, from "1.00" to "100000.00"')
  .meta({ example: '125.50' });

const item = z
  .object({
    sku: z.string().regex(SKU_PATTERN, 'must be 1–64 of [A-Za-z0-9_-]'),
    quantity: z.number().int().min(1).max(1000),
  })
  .strict();

const items = z
  .array(item)
  .min(1)
  .max(20)
  .superRefine(
    (list, ctx) => {
      // Runs even when another entry is malformed, so every duplicate is named at once.
      const seen = new Set<string>();
      list.forEach((entry, index) => {
        const sku = (entry as { sku?: unknown })?.sku;
        if (typeof sku !== 'string' || !SKU_PATTERN.test(sku)) return;
        if (seen.has(sku)) ctx.addIssue({ code: 'custom', path: [index, 'sku'], message: `duplicate sku ${sku}` });
        seen.add(sku);
      });
    },
    { when: (payload) => Array.isArray(payload.value) },
  );

const ROLES = ['payerVpa', 'payeeVpa'];

export const InitiatePaymentRequest = z
  .object({
    payerVpa: vpa,
    payeeVpa: vpa,
    amount,
    currency: z.literal('INR', { error: 'must be "INR"' }),
    note: z.string().max(50).optional(),
    items: items.optional(),
  })
  .strict()
  .superRefine(
    (body, ctx) => {
      if (body.payerVpa === body.payeeVpa) ctx.addIssue({ code: 'custom', path: ['payeeVpa'], message: 'must differ from payerVpa' });
    },
    // Also when other fields are wrong, so the answer names every offending field; only the two VPAs must be valid.
    { when: (payload) => !payload.issues.some((issue) => ROLES.includes(String(issue.path?.[0]))) && isObject(payload.value) },
  )
  .transform(({ amount, ...rest }) => ({ ...rest, amountPaise: parseRupees(amount) as number, items: rest.items ?? [] }));

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a client sends to initiate a payment; any other field is rejected. */
export class InitiatePaymentDto extends createZodDto(InitiatePaymentRequest) {}
export type InitiatePaymentCommand = z.output<typeof InitiatePaymentRequest>;
