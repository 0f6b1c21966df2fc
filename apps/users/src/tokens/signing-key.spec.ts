import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { jwtVerify, importJWK, SignJWT } from 'jose';
import { loadSigningKey, SigningKey, SigningKeyError } from './signing-key';

let dir: string;
beforeAll(() => {
  Logger.overrideLogger(false);
});
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'users-key-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function signsAndVerifies(key: SigningKey): Promise<void> {
  const token = await new SignJWT({ hello: 'world' }).setProtectedHeader({ alg: 'EdDSA', kid: key.kid }).sign(key.privateKey);
  const { payload, protectedHeader } = await jwtVerify(token, await importJWK(key.publicJwk, 'EdDSA'));
  expect(payload.hello).toBe('world');
  expect(protectedHeader.kid).toBe(key.kid);
}

describe('the token signing key', () => {
  it('is made once in the key file, readable by its owner only, and the same key afterwards', async () => {
    const keyFile = join(dir, 'nested', 'key.json');
    const first = await loadSigningKey({ keyFile });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'nested')).mode & 0o077).toBe(0);
    const again = await loadSigningKey({ keyFile });
    expect(again.kid).toBe(first.kid);
    expect(again.publicJwk).toEqual(first.publicJwk);
    await signsAndVerifies(again);
  });

  it('publishes only the public half, with kid, alg and use', async () => {
    const key = await loadSigningKey({ keyFile: join(dir, 'key.json') });
    expect(key.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: key.kid, alg: 'EdDSA', use: 'sig' });
    expect(key.publicJwk).not.toHaveProperty('d');
  });

  it('tightens a key file that others could read', async () => {
    const keyFile = join(dir, 'key.json');
    await loadSigningKey({ keyFile });
    chmodSync(keyFile, 0o644);
    await loadSigningKey({ keyFile });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('takes AUTH_PRIVATE_KEY as PKCS#8 PEM, with the thumbprint as kid, and writes no file', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const keyFile = join(dir, 'unused.json');
    const key = await loadSigningKey({ privateKey: pem, keyFile });
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(() => statSync(keyFile)).toThrow();
    await signsAndVerifies(key);
    expect((await loadSigningKey({ privateKey: pem, keyFile })).kid).toBe(key.kid);
  });

  it('takes AUTH_PRIVATE_KEY as a JWK, keeping its kid', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'key-2026-01' };
    const key = await loadSigningKey({ privateKey: JSON.stringify(jwk), keyFile: join(dir, 'unused.json') });
    expect(key.kid).toBe('key-2026-01');
    await signsAndVerifies(key);
  });

  it.each([
    ['not a key', 'hello'],
    ['a public key only', JSON.stringify(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }))],
    ['an RSA key', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()],
    ['broken JSON', '{"kty":'],
  ])('refuses %s, naming the variable', async (_what, text) => {
    const attempt = loadSigningKey({ privateKey: text, keyFile: join(dir, 'unused.json') });
    await expect(attempt).rejects.toThrow(SigningKeyError);
    await expect(attempt).rejects.toThrow(/^AUTH_PRIVATE_KEY: /);
  });
});
