import { z } from 'zod';

/** An Indian mobile number: +91, then 10 digits, the first 6–9. */
export const PHONE_PATTERN = /^\+91[6-9]\d{9}$/;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
export const NAME_MAX = 100;

/** Characters as people count them (code points), not UTF-16 units: an emoji is one. */
const length = (text: string) => [...text].length;

export const phone = z.string().regex(PHONE_PATTERN, 'must be +91 and 10 digits, the first 6-9');

/** Only its length is checked: any character may be part of a password (NIST SP 800-63B). */
export const password = z
  .string()
  .refine((text) => length(text) >= PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .refine((text) => length(text) <= PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);

/** What a person is called: 1–100 characters, not only spaces; no NUL (PostgreSQL cannot store it). */
export const name = z
  .string()
  .refine((text) => text.trim().length > 0, 'must not be empty')
  .refine((text) => length(text) <= NAME_MAX, `must be at most ${NAME_MAX} characters`)
  .refine((text) => !text.includes('\u0000'), 'must not contain NUL characters');
