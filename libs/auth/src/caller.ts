import { createHash } from 'node:crypto';

export const OPERATOR = 'operator';

/** Who made a request: the verified token's subject and roles. */
export interface Caller {
  userId: string;
  roles: string[];
  isOperator: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// RFC 9562's URL namespace: an issuer is a URL.
const URL_NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/**
 * The user id of a token's subject. The users service's subjects are user ids already; another
 * provider's (`auth0|5f…`, a Keycloak id) become a name-based UUID (v5) of issuer and subject, so
 * that every service stores the same id for the same person.
 */
export function userIdOf(issuer: string, subject: string): string {
  if (UUID.test(subject)) return subject.toLowerCase();
  const hash = createHash('sha1').update(URL_NAMESPACE).update(`${issuer}#${subject}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The roles in a token, at a claim name or a dotted path (`realm_access.roles`); anything else is none. */
export function rolesAt(claims: Record<string, unknown>, path: string): string[] {
  const value = path
    .split('.')
    .reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), claims);
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  return Array.isArray(value) ? value.filter((role): role is string => typeof role === 'string') : [];
}
