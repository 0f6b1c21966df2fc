import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Logger } from '@nestjs/common';
import { calculateJwkThumbprint, CryptoKey, exportJWK, generateKeyPair, importJWK, importPKCS8, JWK } from 'jose';

/** EdDSA over Ed25519 (RFC 8037): small keys and signatures, deterministic, no nonce to get wrong. */
export const TOKEN_ALG = 'EdDSA';

export const SIGNING_KEY = Symbol('SIGNING_KEY');

/** The key that signs access tokens and the public half that verifies them. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** As published in the JWKS: kty, crv, x, kid, alg, use. */
  publicJwk: JWK;
}

export class SigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

const logger = new Logger('SigningKey');

/**
 * The signing key: from `privateKey` (AUTH_PRIVATE_KEY: an Ed25519 key as PKCS#8 PEM or as a JWK in
 * JSON) when set; otherwise the one kept in `keyFile`, made there the first time (for a developer
 * machine: never in git, readable by its owner only). The key id is the JWK's `kid` when it has
 * one, else its RFC 7638 thumbprint, so the same key always has the same id.
 */
export async function loadSigningKey({ privateKey, keyFile }: { privateKey?: string; keyFile: string }): Promise<SigningKey> {
  if (privateKey) return fromText(privateKey, 'AUTH_PRIVATE_KEY');
  const stored = readKeyFile(keyFile);
  if (stored !== undefined) return fromText(stored, keyFile);
  const made = await generate();
  try {
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    // wx: two instances starting at once must not each keep a key of their own
    writeFileSync(keyFile, `${JSON.stringify(made)}\n`, { mode: 0o600, flag: 'wx' });
    logger.log(`made a new token signing key (kid ${made.kid}) in ${keyFile}`);
    return fromText(JSON.stringify(made), keyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fromText(readFileSync(keyFile, 'utf8'), keyFile);
  }
}

function readKeyFile(keyFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if ((statSync(keyFile).mode & 0o077) !== 0) {
    logger.warn(`${keyFile} was readable by others; made it readable by its owner only`);
    chmodSync(keyFile, 0o600);
  }
  return text;
}

async function generate(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(TOKEN_ALG, { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await thumbprint(jwk), alg: TOKEN_ALG };
}

async function fromText(text: string, source: string): Promise<SigningKey> {
  const trimmed = text.trim();
  let jwk: JWK;
  let kid: string | undefined;
  try {
    if (trimmed.startsWith('{')) {
      jwk = JSON.parse(trimmed) as JWK;
      kid = typeof jwk.kid === 'string' && jwk.kid ? jwk.kid : undefined;
    } else {
      jwk = await exportJWK(await importPKCS8(trimmed, TOKEN_ALG, { extractable: true }));
    }
  } catch (error) {
    throw new SigningKeyError(`${source}: not an Ed25519 private key in PKCS#8 PEM or JWK JSON (${(error as Error).message})`);
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string') {
    throw new SigningKeyError(`${source}: must be an Ed25519 private key (kty OKP, crv Ed25519, with d and x)`);
  }
  const publicPart: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  let privateKey: CryptoKey;
  try {
    privateKey = (await importJWK({ ...publicPart, d: jwk.d }, TOKEN_ALG)) as CryptoKey;
  } catch (error) {
    throw new SigningKeyError(`${source}: the key does not import (${(error as Error).message})`);
  }
  kid ??= await thumbprint(publicPart);
  return { kid, privateKey, publicJwk: { ...publicPart, kid, alg: TOKEN_ALG, use: 'sig' } };
}

function thumbprint(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x });
}
