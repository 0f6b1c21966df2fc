/**
 * Money is integer paise inside and a decimal string at the edges. This is the one place that
 * converts between the two; nothing else may do arithmetic on amount strings.
 */
const AMOUNT_PATTERN = /^(0|[1-9]\d{0,11})(?:\.(\d{1,2}))?$/;

export const PAISE_PER_RUPEE = 100;

/** Parses `"125.5"` into `12550`. Returns `null` for anything that is not a plain decimal string. */
export function parseRupees(text: string): number | null {
  const match = AMOUNT_PATTERN.exec(text);
  if (!match) return null;
  const rupees = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(2, '0'));
  const paise = rupees * PAISE_PER_RUPEE + fraction;
  return Number.isSafeInteger(paise) ? paise : null;
}

/** Formats `12550` as `"125.50"`. */
export function formatPaise(paise: number): string {
  if (!Number.isSafeInteger(paise)) throw new RangeError(`paise must be a safe integer, got ${paise}`);
  const sign = paise < 0 ? '-' : '';
  const abs = Math.abs(paise);
  const rupees = Math.trunc(abs / PAISE_PER_RUPEE);
  const fraction = String(abs % PAISE_PER_RUPEE).padStart(2, '0');
  return `${sign}${rupees}.${fraction}`;
}
