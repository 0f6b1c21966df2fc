import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** A product's stock-keeping unit, the same rule as a payment item's sku. */
export const SKU_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const SkuParam = z.object({ sku: z.string().regex(SKU_PATTERN, 'must be 1-64 of A-Z a-z 0-9 _ -') }).strict();

export class SkuParamDto extends createZodDto(SkuParam) {}
