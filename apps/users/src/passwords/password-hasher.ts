import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * scrypt (RFC 7914) from Node's crypto, i.e. OpenSSL's: a well-kept, memory-hard implementation
 * with nothing to install. Each hash has its own random salt and names its parameters, so they can
 * be raised later without invalidating what is stored. The default, N = 2^14, r = 8, p = 5, is one
 * of the equivalent minimums of OWASP's password storage cheat sheet, the one that needs least
 * memory (16 MiB a hash, where N = 2^17, p = 1 needs 128 MiB; up to four run at once, on libuv's
 * threads); it takes about 0.3 s of one core here.
 */
export interface ScryptParams {
  /** log2 of N, the CPU/memory cost. */
  logN: number;
  r: number;
  p: number;
}

export const DEFAULT_PARAMS: ScryptParams = { logN: 14, r: 8, p: 5 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const FORMAT = /^scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function derive(password: string, salt: Buffer, { logN, r, p }: ScryptParams, keyBytes: number): Promise<Buffer> {
  const N = 2 ** logN;
  // OpenSSL refuses to use more than maxmem; 128 * N * r bytes is what scrypt needs.
  const options: ScryptOptions = { N, r, p, maxmem: 2 * 128 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** `scrypt$ln=15,r=8,p=1$<salt>$<key>` (base64), a salted hash of `password`. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params, KEY_BYTES);
  return `scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether `password` is the one `stored` was made from; compared in constant time. A malformed hash matches nothing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const [, logN, r, p, salt, key] = match;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { logN: Number(logN), r: Number(r), p: Number(p) }, expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
