import { createHash } from 'node:crypto';

/**
 * Throttle keys. A phone is kept only as a hash: the table counts attempts for numbers that
 * belong to nobody too, and has no reason to hold them.
 */
export const loginKey = (phone: string) => `login:${createHash('sha256').update(phone).digest('base64url')}`;
export const lookupKey = (userId: string) => `lookup:${userId}`;
