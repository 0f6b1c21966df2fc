import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { bearer, tokenFor } from './identity';

/** A credential every protected route must refuse with 401, and the code it must say why with. */
export interface RefusedCredential {
  name: string;
  headers: Record<string, string>;
  code: 'AUTH.TOKEN_MISSING' | 'AUTH.TOKEN_INVALID';
}

const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;
const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Scenario 3 of the access contract (shared/spec/access.md): no token, an expired token, a token
 * signed by another key, one for another audience, one with `alg: none`, a tampered payload (a
 * user's token turned into an operator's), and a few more (another issuer, a Basic credential).
 * Each is a user's credential, so a route that let it through would answer as for that user.
 */
export async function refusedCredentials(): Promise<RefusedCredential[]> {
  const userId = randomUUID();
  const [header, payload, signature] = (await tokenFor(userId)).split('.');
  const claims = json(payload);
  const { kid } = json(header);
  // Another key under the issuer's own kid: the signature is what must give it away.
  const { privateKey } = await generateKeyPair('EdDSA');
  const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: kid as string }).sign(privateKey);
  const invalid = (name: string, token: string): RefusedCredential => ({ name, headers: bearer(token), code: 'AUTH.TOKEN_INVALID' });
  return [
    { name: 'no token', headers: {}, code: 'AUTH.TOKEN_MISSING' },
    { name: 'a Basic credential', headers: { authorization: 'Basic dXNlcjpwYXNz' }, code: 'AUTH.TOKEN_MISSING' },
    invalid('an expired token', await tokenFor(userId, { expiresIn: -120 })),
    invalid('a token signed by another key', forged),
    invalid('a token for another audience', await tokenFor(userId, { audience: 'another-api' })),
    invalid('a token of another issuer', await tokenFor(userId, { issuer: 'https://evil.example.test' })),
    invalid('a token with alg none', `${part({ alg: 'none', typ: 'JWT', kid })}.${payload}.`),
    invalid('a tampered payload', `${header}.${part({ ...claims, roles: ['operator'] })}.${signature}`),
    invalid('not a token', 'not-a-token'),
  ];
}

/** What a response to a refused credential must be, in a form `toEqual` can compare for every credential at once. */
export async function refusal(response: Response): Promise<{ status: number; code: unknown; challenge: string | null }> {
  const body = (await response.json()) as { code?: unknown };
  return { status: response.status, code: body.code, challenge: response.headers.get('www-authenticate') };
}
