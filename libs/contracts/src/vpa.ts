/** A UPI virtual payment address, `handle@psp`. */
export const VPA_PATTERN = /^[A-Za-z0-9._-]{3,256}@[A-Za-z0-9]{2,64}$/;

export function isVpa(text: string): boolean {
  return VPA_PATTERN.test(text);
}

/** VPAs compare case-insensitively; the canonical form is lowercase. */
export function normalizeVpa(text: string): string {
  return text.toLowerCase();
}
