import { createLocalJWKSet, jwtVerify } from 'jose';
import type Redis from 'ioredis';
import { Topics } from '@app/contracts';
import { REDIS } from '@app/platform';
import { tokenFor } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { eventually } from '../../../test/support/eventually';
import { claimsOf, newPhone, newVpa, UsersApp } from './users-app';

let users: UsersApp;
let kafka: TestKafka;

beforeAll(async () => {
  // A short login window, so that the end of a throttle can be waited for.
  users = await UsersApp.start('users', { LOGIN_THROTTLE_S: '6' });
  kafka = new TestKafka(users.env);
});

afterAll(async () => {
  await users?.close();
  await kafka?.close();
});

describe('registration', () => {
  it('registers a user: 201 with id, name, phone and createdAt, never the password', async () => {
    const phone = newPhone();
    const answer = await users.call('POST', '/v1/users', { body: { name: 'Alice Kumar', phone, password: 'a long enough secret' } });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Alice Kumar',
      phone,
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(answer.body)).not.toContain('secret');
  });

  it('refuses a phone a registered user has: 409 USER.PHONE_TAKEN', async () => {
    const { phone } = await users.register();
    const answer = await users.call('POST', '/v1/users', { body: { name: 'Mallory', phone, password: 'another long secret' } });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 'USER.PHONE_TAKEN' });
  });

  it('of two concurrent sign-ups with one phone, exactly one wins', async () => {
    const phone = newPhone();
    const body = { name: 'Twice', phone, password: 'the same long secret' };
    const statuses = await Promise.all([1, 2, 3].map(() => users.call('POST', '/v1/users', { body }).then((a) => a.status)));
    expect(statuses.sort()).toEqual([201, 409, 409]);
  });

  it.each([
    [{}, ['name', 'phone', 'password']],
    [{ name: '', phone: '9876543210', password: 'short' }, ['name', 'phone', 'password']],
    [{ name: 'x'.repeat(101), phone: '+915876543210', password: 'p'.repeat(129) }, ['name', 'phone', 'password']],
    [{ name: 'Ali\u0000ce', phone: '+919876543210', password: 'a long enough secret' }, ['name']],
    [{ name: 'Alice', phone: '+919876543210', password: 'a long enough secret', roles: ['operator'] }, ['roles']],
    [[], ['body']],
  ])('refuses %j with 400 naming %j', async (body, fields) => {
    const answer = await users.call<{ code: string; errors: Array<{ field: string }> }>('POST', '/v1/users', { body });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect([...new Set(answer.body.errors.map((e) => e.field))].sort()).toEqual([...fields].sort());
  });
});

describe('tokens', () => {
  it('grants a signed token for the right phone and password', async () => {
    const user = await users.register();
    const answer = await users.call('POST', '/v1/auth/token', { body: { phone: user.phone, password: user.password } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    const claims = claimsOf(answer.body.accessToken as string);
    expect(claims).toEqual({
      iss: users.url,
      aud: 'upi-payments',
      sub: user.id,
      roles: [],
      iat: expect.any(Number),
      exp: (claims.iat as number) + 900,
      jti: expect.any(String),
    });
    expect(JSON.stringify(claims)).not.toContain(user.phone);
  });

  it('answers an unknown phone and a wrong password alike: 401 AUTH.INVALID_CREDENTIALS with WWW-Authenticate', async () => {
    const user = await users.register();
    const wrong = await users.call('POST', '/v1/auth/token', { body: { phone: user.phone, password: 'not the password' } });
    const unknown = await users.call('POST', '/v1/auth/token', { body: { phone: newPhone(), password: user.password } });
    for (const answer of [wrong, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS' });
  });

  it('refuses a malformed sign-in with 400 naming the field', async () => {
    const answer = await users.call<{ errors: Array<{ field: string }> }>('POST', '/v1/auth/token', { body: { phone: '12345' } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e) => e.field).sort()).toEqual(['password', 'phone']);
  });

  it('after 5 failures for a phone: 429 with Retry-After, even with the right password, until the window ends; then it works', async () => {
    const user = await users.register();
    const attempt = (password: string) => users.call('POST', '/v1/auth/token', { body: { phone: user.phone, password } });
    for (let i = 1; i <= 5; i++) expect((await attempt(`wrong password ${i}`)).status).toBe(401);

    const sixth = await attempt('wrong password 6');
    expect(sixth.status).toBe(429);
    expect(sixth.body).toMatchObject({ code: 'AUTH.THROTTLED' });
    const retryAfter = Number(sixth.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(6);
    const right = await attempt(user.password);
    expect(right.status).toBe(429);

    // another phone is not held back meanwhile
    const other = await users.register();
    expect((await users.call('POST', '/v1/auth/token', { body: { phone: other.phone, password: other.password } })).status).toBe(200);

    const after = await eventually(async () => {
      const answer = await attempt(user.password);
      expect(answer.status).toBe(200);
      return answer;
    });
    expect(after.body).toMatchObject({ tokenType: 'Bearer' });
  });

  it('lets no concurrent wrong attempt slip past the limit, and keeps the phone out of Redis', async () => {
    const user = await users.register();
    const statuses = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        users.call('POST', '/v1/auth/token', { body: { phone: user.phone, password: `wrong password ${i}` } }).then((a) => a.status),
      ),
    );
    expect(statuses.sort()).toEqual([...Array(5).fill(401), ...Array(4).fill(429)]);

    // the count is in Redis, under a hash of the phone
    const keys = await users.app.get<Redis>(REDIS).keys(`${users.env.RATE_LIMIT_PREFIX}users:login:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toContain(user.phone.slice(3));
  });
});

describe('the JWKS', () => {
  it('publishes the public key, which verifies the tokens the service grants (jose)', async () => {
    const answer = await users.call<{ keys: Array<Record<string, string>> }>('GET', '/.well-known/jwks.json');
    expect(answer.status).toBe(200);
    expect(answer.body.keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: expect.any(String), alg: 'EdDSA', use: 'sig' },
    ]);

    const { id, token } = await users.signedIn();
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(answer.body), {
      issuer: users.url,
      audience: 'upi-payments',
    });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: answer.body.keys[0].kid });
    expect(payload.sub).toBe(id);
  });
});

describe('me', () => {
  it('is the signed-in user, with roles and VPAs', async () => {
    const { id, phone, token } = await users.signedIn('Bob Singh');
    const vpa = newVpa('bob');
    expect((await users.call('POST', '/v1/users/me/vpas', { token, body: { vpa } })).status).toBe(201);
    const me = await users.call('GET', '/v1/users/me', { token });
    expect(me).toMatchObject({
      status: 200,
      body: { id, name: 'Bob Singh', phone, roles: [], vpas: [{ vpa, linkedAt: expect.any(String) }] },
    });
  });

  it.each([
    ['no token', undefined],
    ['a malformed token', 'not.a.token'],
  ])('needs a token: 401 for %s', async (_what, token) => {
    const answer = await users.call('GET', '/v1/users/me', { token });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses a token signed by another issuer', async () => {
    const answer = await users.call('GET', '/v1/users/me', { token: await tokenFor((await users.register()).id, { issuer: users.url }) });
    expect(answer.status).toBe(401);
  });
});

describe('VPAs', () => {
  it('links a VPA, stored lowercase: 201 { vpa, linkedAt }', async () => {
    const { token } = await users.signedIn();
    const vpa = newVpa('Alice.K');
    const answer = await users.call('POST', '/v1/users/me/vpas', { token, body: { vpa: vpa.toUpperCase() } });
    expect(answer).toMatchObject({ status: 201, body: { vpa: vpa.toLowerCase(), linkedAt: expect.any(String) } });
  });

  it('refuses a VPA linked to anyone, the caller included, in any case: 409 VPA.TAKEN', async () => {
    const alice = await users.signedIn();
    const bob = await users.signedIn('Bob');
    const vpa = newVpa('taken');
    expect((await users.call('POST', '/v1/users/me/vpas', { token: alice.token, body: { vpa } })).status).toBe(201);
    const again = await users.call('POST', '/v1/users/me/vpas', { token: alice.token, body: { vpa } });
    const other = await users.call('POST', '/v1/users/me/vpas', { token: bob.token, body: { vpa: vpa.toUpperCase() } });
    expect(again).toMatchObject({ status: 409, body: { code: 'VPA.TAKEN' } });
    expect(other).toMatchObject({ status: 409, body: { code: 'VPA.TAKEN' } });
  });

  it('refuses a sixth VPA: 422 VPA.LIMIT_REACHED', async () => {
    const { token } = await users.signedIn();
    for (let i = 0; i < 5; i++)
      expect((await users.call('POST', '/v1/users/me/vpas', { token, body: { vpa: newVpa() } })).status).toBe(201);
    const sixth = await users.call('POST', '/v1/users/me/vpas', { token, body: { vpa: newVpa() } });
    expect(sixth).toMatchObject({ status: 422, body: { code: 'VPA.LIMIT_REACHED' } });
    expect((await users.call<{ vpas: unknown[] }>('GET', '/v1/users/me', { token })).body.vpas.length).toBe(5);
  });

  it('refuses a malformed VPA with 400 naming the field', async () => {
    const { token } = await users.signedIn();
    const answer = await users.call<{ errors: Array<{ field: string }> }>('POST', '/v1/users/me/vpas', {
      token,
      body: { vpa: 'no-at-sign' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e) => e.field)).toEqual(['vpa']);
  });

  it("unlinks one of the caller's VPAs (204), which anyone may link then; 404 for one that is not theirs", async () => {
    const alice = await users.signedIn();
    const bob = await users.signedIn('Bob');
    const vpa = newVpa('moving');
    await users.call('POST', '/v1/users/me/vpas', { token: alice.token, body: { vpa } });

    expect((await users.call('DELETE', `/v1/users/me/vpas/${vpa}`, { token: bob.token })).status).toBe(404);
    expect((await users.call('DELETE', `/v1/users/me/vpas/${newVpa('unknown')}`, { token: alice.token })).status).toBe(404);
    expect((await users.call('DELETE', `/v1/users/me/vpas/${vpa.toUpperCase()}`, { token: alice.token })).status).toBe(204);
    expect((await users.call('DELETE', `/v1/users/me/vpas/${vpa}`, { token: alice.token })).status).toBe(404);
    expect((await users.call('POST', '/v1/users/me/vpas', { token: bob.token, body: { vpa } })).status).toBe(201);
  });

  it('of two users linking one VPA at once, exactly one wins, every time', async () => {
    const alice = await users.signedIn();
    const bob = await users.signedIn('Bob');
    for (let round = 0; round < 5; round++) {
      const vpa = newVpa('race');
      const answers = await Promise.all(
        [alice, bob].map((user) => users.call('POST', '/v1/users/me/vpas', { token: user.token, body: { vpa } })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      const winner = answers[0].status === 201 ? alice : bob;
      const holders = await Promise.all(
        [alice, bob].map(
          async (user) => (await users.call<{ vpas: Array<{ vpa: string }> }>('GET', '/v1/users/me', { token: user.token })).body,
        ),
      );
      expect(holders.filter((me) => me.vpas.some((link) => link.vpa === vpa))).toHaveLength(1);
      expect(holders.find((me) => me.vpas.some((link) => link.vpa === vpa))).toMatchObject({ id: winner.id });
      // free the slots for the next round
      await users.call('DELETE', `/v1/users/me/vpas/${vpa}`, { token: winner.token });
    }
  });
});

describe('address lookups', () => {
  it("answers a linked VPA with its holder's name masked, in any case; 404 for one not linked", async () => {
    const holder = await users.signedIn('Alice Kumar');
    const asker = await users.signedIn('Bob');
    const vpa = newVpa('alice');
    await users.call('POST', '/v1/users/me/vpas', { token: holder.token, body: { vpa } });

    const found = await users.call('GET', `/v1/vpas/${vpa.toUpperCase()}`, { token: asker.token });
    expect(found).toMatchObject({ status: 200, body: { vpa, name: 'A**** K****' } });
    expect((await users.call('GET', `/v1/vpas/${newVpa('nobody')}`, { token: asker.token })).body).toMatchObject({ code: 'VPA.NOT_FOUND' });
    expect((await users.call('GET', `/v1/vpas/${vpa}`)).status).toBe(401);
  });

  it('allows 30 lookups a minute per user: the 31st is 429 with Retry-After, found or not', async () => {
    const asker = await users.signedIn('Eve');
    for (let i = 1; i <= 30; i++) {
      expect((await users.call('GET', `/v1/vpas/${newVpa('probe')}`, { token: asker.token })).status).toBe(404);
    }
    const thirtyFirst = await users.call('GET', `/v1/vpas/${newVpa('probe')}`, { token: asker.token });
    expect(thirtyFirst).toMatchObject({ status: 429, body: { code: 'VPA.LOOKUPS_THROTTLED' } });
    expect(Number(thirtyFirst.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(thirtyFirst.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // counted per user: someone else may still look up
    const other = await users.signedIn('Frank');
    expect((await users.call('GET', `/v1/vpas/${newVpa('probe')}`, { token: other.token })).status).toBe(404);
  });
});

describe('de-registration', () => {
  it("unlinks every VPA, publishes VpaUnlinked for each and UserDeregistered, and refuses the user's token at once", async () => {
    const bob = await users.signedIn('Bob');
    const vpas = [newVpa('bob1'), newVpa('bob2')];
    for (const vpa of vpas) await users.call('POST', '/v1/users/me/vpas', { token: bob.token, body: { vpa } });

    expect((await users.call('DELETE', '/v1/users/me', { token: bob.token })).status).toBe(204);

    // this service owns the fact: the still-unexpired token is refused from the commit on
    const me = await users.call('GET', '/v1/users/me', { token: bob.token });
    expect(me).toMatchObject({ status: 401, body: { code: 'AUTH.TOKEN_INVALID' } });
    expect((await users.call('POST', '/v1/users/me/vpas', { token: bob.token, body: { vpa: newVpa() } })).status).toBe(401);
    expect((await users.call('DELETE', '/v1/users/me', { token: bob.token })).status).toBe(401);
    // signing in again fails as for an unknown phone
    expect((await users.call('POST', '/v1/auth/token', { body: { phone: bob.phone, password: bob.password } })).status).toBe(401);

    const events = await kafka.read(Topics.UserEvents, (messages) =>
      messages.some((m) => m.key === bob.id && m.value!.includes('"UserDeregistered"')),
    );
    const types = events
      .filter((m) => m.key === bob.id)
      .map((m) => JSON.parse(m.value!) as { type: string; userId: string; producer: string; payload: Record<string, unknown> });
    expect(types.map((e) => e.type)).toEqual([
      'UserRegistered',
      'VpaLinked',
      'VpaLinked',
      'VpaUnlinked',
      'VpaUnlinked',
      'UserDeregistered',
    ]);
    expect(types.every((e) => e.userId === bob.id && e.producer === 'users')).toBe(true);
    expect(types.filter((e) => e.type === 'VpaUnlinked').map((e) => e.payload.vpa)).toEqual(vpas);
    expect(types[5].payload).toEqual({ vpas, deregisteredAt: expect.any(String) });

    // the VPAs are free: a lookup finds nothing, and someone else may link them
    const carol = await users.signedIn('Carol');
    expect((await users.call('GET', `/v1/vpas/${vpas[0]}`, { token: carol.token })).status).toBe(404);
    expect((await users.call('POST', '/v1/users/me/vpas', { token: carol.token, body: { vpa: vpas[0] } })).status).toBe(201);
    // and the phone may sign up again, as a new user
    const again = await users.call('POST', '/v1/users', { body: { name: 'Bob again', phone: bob.phone, password: 'a brand new secret' } });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(bob.id);
  });
});
