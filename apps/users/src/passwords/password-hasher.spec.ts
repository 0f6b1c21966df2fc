import { hashPassword, verifyPassword } from './password-hasher';

// The cheapest parameters keep the unit tests fast; the service uses DEFAULT_PARAMS.
const cheap = { logN: 10, r: 8, p: 1 };

describe('password hashing (scrypt)', () => {
  it('verifies the password it was made from, and no other', async () => {
    const stored = await hashPassword('correct horse battery', cheap);
    await expect(verifyPassword('correct horse battery', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('salts every hash: the same password twice gives two hashes, both valid', async () => {
    const [a, b] = [await hashPassword('same password!', cheap), await hashPassword('same password!', cheap)];
    expect(a).not.toBe(b);
    await expect(verifyPassword('same password!', a)).resolves.toBe(true);
    await expect(verifyPassword('same password!', b)).resolves.toBe(true);
  });

  it('names its parameters and never contains the password', async () => {
    const stored = await hashPassword('visible-if-broken', cheap);
    expect(stored).toMatch(/^scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain('visible-if-broken');
  });

  it('uses N = 2^14, r = 8, p = 5 by default', async () => {
    expect(await hashPassword('a default password')).toMatch(/^scrypt\$ln=14,r=8,p=5\$/);
  });

  it('treats canonically equal Unicode spellings as one password (NFC)', async () => {
    const stored = await hashPassword('caf\u00e9 au lait!!', cheap);
    await expect(verifyPassword('cafe\u0301 au lait!!', stored)).resolves.toBe(true);
  });

  it('matches nothing against a malformed hash', async () => {
    await expect(verifyPassword('anything at all', 'plain text')).resolves.toBe(false);
    await expect(verifyPassword('anything at all', 'scrypt$ln=15,r=8,p=1$$')).resolves.toBe(false);
  });
});
