import { decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, JWTPayload, SignJWT } from 'jose';
import { RunningSystem } from './system';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** `token` signed again with the users service's key (the system's), with `changes` to its claims. */
export async function resign(system: RunningSystem, token: string, changes: JWTPayload = {}): Promise<string> {
  const { kid } = decodeProtectedHeader(token);
  return new SignJWT({ ...decodeJwt(token), ...changes })
    .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
    .sign(await importJWK(system.auth.privateJwk, 'EdDSA'));
}

/** The ways a token is refused that the tests try (access.md, scenario 3, and a few more). */
export const INVALID_TOKENS = [
  'expired',
  'signed by another key (same kid)',
  'signed by another key (its own kid)',
  'for another audience',
  'from another issuer',
  'alg none',
  'with a tampered payload (roles: operator)',
  'not a JWT',
] as const;
export type InvalidToken = (typeof INVALID_TOKENS)[number];

/**
 * Tokens that no service may accept, each made from a real token of the users service so that it
 * differs from a valid one in one way only. The expired one and the one for another audience are
 * signed with the users service's own key (the system's, see system.ts): a valid signature, a bad
 * claim.
 */
export async function invalidTokens(system: RunningSystem, validToken: string): Promise<Record<InvalidToken, string>> {
  const claims = decodeJwt(validToken);
  const [header, payload, signature] = validToken.split('.');
  const { kid } = decodeProtectedHeader(validToken);
  const other = (await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })).privateKey;
  const foreign = (keyId = kid) => new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: keyId, typ: 'JWT' }).sign(other);
  const now = Math.floor(Date.now() / 1000);

  return {
    // beyond the 30 s of clock skew the services allow
    expired: await resign(system, validToken, { iat: now - 3600, exp: now - 120 }),
    'signed by another key (same kid)': await foreign(),
    'signed by another key (its own kid)': await foreign(`${kid}-other`),
    'for another audience': await resign(system, validToken, { aud: 'another-audience' }),
    'from another issuer': await resign(system, validToken, { iss: 'https://issuer.example.invalid' }),
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
    'with a tampered payload (roles: operator)': `${header}.${b64({ ...claims, roles: ['operator'] })}.${signature}`,
    'not a JWT': 'not-a-token',
  };
}
