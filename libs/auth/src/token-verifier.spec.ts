import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { AuthSettings, DomainError } from '@app/platform';
import { TokenVerifier } from './token-verifier';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** A JWKS endpoint on a local port: publishes the keys it is given and counts its fetches. */
class KeyServer {
  fetches = 0;
  keys: JWK[] = [];
  private readonly server: Server = createServer((_request, response) => {
    this.fetches += 1;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: this.keys }));
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const ISSUER = 'https://id.example.test';
const AUDIENCE = 'upi-payments';
const USER = '7b0c7f3e-3c1a-4a52-9f57-5f0d7b2f4a10';

async function publicJwk(pair: KeyPair, kid: string): Promise<JWK> {
  return { ...(await exportJWK(pair.publicKey)), kid, alg: 'EdDSA', use: 'sig' };
}

function token(pair: KeyPair, kid: string, change: (jwt: SignJWT) => SignJWT = (jwt) => jwt, claims: Record<string, unknown> = {}) {
  const jwt = new SignJWT({ roles: ['user'], ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(USER)
    .setIssuedAt()
    .setExpirationTime('15m');
  return change(jwt).sign(pair.privateKey);
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
};

describe('TokenVerifier', () => {
  const server = new KeyServer();
  let settings: AuthSettings;
  let key: KeyPair;
  let other: KeyPair;

  beforeAll(async () => {
    [key, other] = await Promise.all([generateKeyPair('EdDSA', { extractable: true }), generateKeyPair('EdDSA', { extractable: true })]);
    settings = { issuer: ISSUER, audience: AUDIENCE, jwksUrl: await server.start(), rolesClaim: 'roles', clockSkewS: 30 };
  });
  beforeEach(async () => {
    server.keys = [await publicJwk(key, 'k1')];
    server.fetches = 0;
  });
  afterAll(() => server.stop());

  it('accepts a token of the issuer and says who the caller is', async () => {
    const verifier = new TokenVerifier(settings);
    await expect(verifier.verify(await token(key, 'k1', (jwt) => jwt, { roles: ['operator'] }))).resolves.toEqual({
      userId: USER,
      roles: ['operator'],
      isOperator: true,
    });
    await verifier.verify(await token(key, 'k1'));
    expect(server.fetches).toBe(1);
  });

  it.each<[string, (jwt: SignJWT) => SignJWT, RegExp]>([
    ['expired', (jwt) => jwt.setExpirationTime(Math.floor(Date.now() / 1000) - 31), /expired/],
    ['not yet valid', (jwt) => jwt.setNotBefore(Math.floor(Date.now() / 1000) + 60), /nbf/],
    ['for another audience', (jwt) => jwt.setAudience('someone-else'), /aud/],
    ['from another issuer', (jwt) => jwt.setIssuer('https://evil.example.test'), /iss/],
  ])('refuses a token %s with 401 AUTH.TOKEN_INVALID', async (_name, change, why) => {
    const error = await refusal(new TokenVerifier(settings).verify(await token(key, 'k1', change)));
    expect(error).toMatchObject({ code: 'AUTH.TOKEN_INVALID', kind: 'UNAUTHENTICATED' });
    expect(error.message).toMatch(why);
    expect(error.headers?.['www-authenticate']).toMatch(/^Bearer /);
  });

  it('accepts a token that expired within the clock skew', async () => {
    const verifier = new TokenVerifier(settings);
    await expect(
      verifier.verify(await token(key, 'k1', (jwt) => jwt.setExpirationTime(Math.floor(Date.now() / 1000) - 10))),
    ).resolves.toMatchObject({
      userId: USER,
    });
  });

  it('refuses alg none, a tampered payload and a token signed by another key', async () => {
    const verifier = new TokenVerifier(settings);
    const good = await token(key, 'k1');
    const [header, payload, signature] = good.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url')}.${payload}.`;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['operator'] })).toString('base64url')}.${signature}`;
    const forged = await token(other, 'k1');
    for (const bad of [none, tampered, forged, 'not-a-token']) {
      await expect(refusal(verifier.verify(bad))).resolves.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    }
  });

  it('fetches the keys again, once, for a kid it does not know: a rotated key is picked up', async () => {
    const verifier = new TokenVerifier(settings, { cooldownMs: 0 });
    await verifier.verify(await token(key, 'k1'));
    expect(server.fetches).toBe(1);
    server.keys.push(await publicJwk(other, 'k2'));
    await expect(verifier.verify(await token(other, 'k2'))).resolves.toMatchObject({ userId: USER });
    expect(server.fetches).toBe(2);
    await expect(refusal(verifier.verify(await token(other, 'k3')))).resolves.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    expect(server.fetches).toBe(3);
  });

  it('refuses an unknown kid within the cooldown without fetching the keys again', async () => {
    const verifier = new TokenVerifier(settings);
    await verifier.verify(await token(key, 'k1'));
    server.keys.push(await publicJwk(other, 'k2'));
    await expect(refusal(verifier.verify(await token(other, 'k2')))).resolves.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    expect(server.fetches).toBe(1);
  });

  it('answers 503 AUTH.KEYS_UNAVAILABLE when the keys cannot be fetched', async () => {
    const verifier = new TokenVerifier({ ...settings, jwksUrl: 'http://127.0.0.1:1/.well-known/jwks.json' });
    await expect(refusal(verifier.verify(await token(key, 'k1')))).resolves.toMatchObject({
      code: 'AUTH.KEYS_UNAVAILABLE',
      kind: 'UNAVAILABLE',
    });
  });

  it('reads roles at a configured path and gives a non-UUID subject a stable user id', async () => {
    const verifier = new TokenVerifier({ ...settings, rolesClaim: 'realm_access.roles' });
    const keycloak = await token(key, 'k1', (jwt) => jwt.setSubject('auth0|5f1e'), { realm_access: { roles: ['operator', 'x'] } });
    const caller = await verifier.verify(keycloak);
    expect(caller).toMatchObject({ roles: ['operator', 'x'], isOperator: true });
    expect(caller.userId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await expect(verifier.verify(keycloak)).resolves.toEqual(caller);
  });
});
