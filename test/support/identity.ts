import { randomUUID } from 'node:crypto';
import { importJWK, JWK, SignJWT } from 'jose';
import { createEvent, Topics } from '@app/contracts';
import { TestKafka } from './kafka';

/**
 * Identities for integration tests: tokens signed by the run's test issuer (global setup), which
 * every service started with `testEnv` trusts, and the users service's events that tell a
 * service who holds which VPA. Real tokens and real events: only the users service is left out.
 */
export interface TestUser {
  userId: string;
  token: string;
  /** `{ authorization: 'Bearer …' }` */
  headers: Record<string, string>;
}

export interface TokenOptions {
  roles?: string[];
  audience?: string;
  issuer?: string;
  /** Seconds from now; negative for a token that has expired. */
  expiresIn?: number;
}

let signingKey: Promise<{ key: Awaited<ReturnType<typeof importJWK>>; kid: string }> | undefined;

function testKey() {
  signingKey ??= (async () => {
    const text = process.env.TEST_AUTH_PRIVATE_JWK;
    if (!text) throw new Error('TEST_AUTH_PRIVATE_JWK is not set: the tests need the global setup (test/support/global-setup.mjs)');
    const jwk = JSON.parse(text) as JWK;
    return { key: await importJWK(jwk, 'EdDSA'), kid: jwk.kid! };
  })();
  return signingKey;
}

/** An access token for a user, as the issuer would sign it (15 minutes, roles as given). */
export async function tokenFor(userId: string, options: TokenOptions = {}): Promise<string> {
  const { key, kid } = await testKey();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: options.roles ?? [] })
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .setIssuer(options.issuer ?? process.env.AUTH_ISSUER!)
    .setAudience(options.audience ?? process.env.AUTH_AUDIENCE ?? 'upi-payments')
    .setSubject(userId)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 900))
    .sign(key);
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function newUser(options: TokenOptions = {}): Promise<TestUser> {
  const userId = randomUUID();
  const token = await tokenFor(userId, options);
  return { userId, token, headers: bearer(token) };
}

export const newOperator = () => newUser({ roles: ['operator'] });

/** Publishes what the users service would: `vpas` are now this user's. */
export async function linkVpas(kafka: TestKafka, userId: string, vpas: string[]): Promise<void> {
  const linkedAt = new Date().toISOString();
  const events = vpas.map((vpa) => createEvent('VpaLinked', userId, { vpa: vpa.toLowerCase(), linkedAt }, 'users'));
  await kafka.send(
    Topics.UserEvents,
    events.map((event) => ({ key: userId, value: JSON.stringify(event) })),
  );
}

/** Publishes a de-registration, as the users service would. */
export async function deregister(kafka: TestKafka, userId: string, vpas: string[] = []): Promise<void> {
  const event = createEvent('UserDeregistered', userId, { vpas, deregisteredAt: new Date().toISOString() }, 'users');
  await kafka.send(Topics.UserEvents, [{ key: userId, value: JSON.stringify(event) }]);
}
