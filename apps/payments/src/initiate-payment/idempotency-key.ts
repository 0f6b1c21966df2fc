import { createHash } from 'node:crypto';
import { invalid } from '@app/platform';
import { InitiatePaymentCommand } from './initiate-payment.dto';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** 1–255 printable ASCII characters (space included; HTTP already trims it at either end). */
const KEY_PATTERN = /^[\x20-\x7E]{1,255}$/;
const KEY_RULE = 'must be 1–255 printable ASCII characters';

/**
 * The header's value; undefined when the client sent none (the request is then not idempotent).
 * Checked after the body: a request wrong in both is told about the body first.
 */
export function parseIdempotencyKey(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && KEY_PATTERN.test(value)) return value;
  throw invalid('VALIDATION_FAILED', `${IDEMPOTENCY_KEY_HEADER}: ${KEY_RULE}`, {
    error: 'Bad Request',
    errors: [{ field: IDEMPOTENCY_KEY_HEADER, message: KEY_RULE }],
  });
}

/** JSON with the keys of every object sorted, so equal values always give the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * What identifies a request for its Idempotency-Key: the SHA-256 of the validated, normalized body.
 * Normalized means what the payment will be, not how it was spelled: VPAs in lowercase, the amount
 * in paise ("1.5" and "1.50" are one request), no note and no items the same as absent. The order
 * of the items counts: the payment keeps them in the order given.
 */
export function requestHash(command: InitiatePaymentCommand): string {
  const canonical = canonicalJson({
    payerVpa: command.payerVpa,
    payeeVpa: command.payeeVpa,
    amountPaise: command.amountPaise,
    currency: command.currency,
    note: command.note ?? null,
    items: command.items,
  });
  return createHash('sha256').update(canonical).digest('hex');
}
