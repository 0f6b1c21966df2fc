import { eventually } from '../support/eventually';
import { testEnv } from '../support/env';
import { Answer, call, codeOf, outcomeOf } from './support/client';
import { Identities, Person, uniquePhone } from './support/identities';
import { callWithToken, protectedRoutes, Route, routeKey } from './support/routes';
import { ALL_SERVICES, LOGIN_THROTTLE_S, RunningSystem, startSystem } from './support/system';
import { INVALID_TOKENS, InvalidToken, invalidTokens, resign } from './support/tokens';

/*
 * access.md's acceptance scenarios 3, 5 and 7, and the audit trail of 5 (scenario 8), end to end:
 * refused tokens on every protected route of every service, the sign-in throttle, the limit on
 * address lookups. The others are in access.e2e-spec.ts.
 */
let system: RunningSystem;
let people: Identities;
let dora: Person;
let routes: Route[];

beforeAll(async () => {
  system = await startSystem(testEnv('e2e_access_tokens'));
  people = new Identities(system);
  dora = await people.person('Dora Mehta', ['dora@okbank']);
  routes = await protectedRoutes(system);
});

afterAll(async () => {
  await system?.stop();
});

/** Calls every protected route (in the order of `list`) with `token`; answers a line for each answer `ok` refuses. */
async function everyRoute(token: string | undefined, ok: (answer: Answer) => boolean, list = routes): Promise<string[]> {
  const wrong: string[] = [];
  for (const route of list) {
    const answer = await callWithToken(system, route, token);
    if (!ok(answer)) wrong.push(`${routeKey(route)}: ${outcomeOf(answer)} (WWW-Authenticate: ${answer.headers.get('www-authenticate')})`);
  }
  return wrong;
}

describe('3. a missing or invalid token is refused with 401 on every protected route of every service', () => {
  /** Whose valid token the invalid ones are made from; de-registered by the last test. */
  let ivy: Person;
  let invalid: Record<InvalidToken, string>;
  beforeAll(async () => {
    ivy = await people.person('Ivy Nair', ['ivy@okbank']);
    invalid = await invalidTokens(system, ivy.token);
  });

  it('the routes tried are those every service documents, less the public ones', () => {
    expect(new Set(routes.map((route) => route.service))).toEqual(new Set(ALL_SERVICES));
    expect(routes.map(routeKey)).toEqual(expect.arrayContaining(['payments POST /v1/payments', 'users GET /v1/users/me']));
  });

  it.each<InvalidToken | 'no token'>(['no token', ...INVALID_TOKENS])('%s → 401, WWW-Authenticate: Bearer, a code', async (kind) => {
    const token = kind === 'no token' ? undefined : invalid[kind];
    const refused = (answer: Answer) =>
      answer.status === 401 && /^Bearer\b/.test(answer.headers.get('www-authenticate') ?? '') && typeof codeOf(answer) === 'string';
    expect(await everyRoute(token, refused)).toEqual([]);
  });

  it('whereas the same token signed again, unchanged, with the users service’s key is accepted everywhere', async () => {
    // Her last request de-registers her: it comes last.
    const last = (route: Route) => Number(routeKey(route) === 'users DELETE /v1/users/me');
    const ordered = [...routes].sort((a, b) => last(a) - last(b));
    expect(await everyRoute(await resign(system, ivy.token), (answer) => answer.status !== 401, ordered)).toEqual([]);
  });
});

describe('5. the sign-in throttle', () => {
  let frank: Person;
  let firstFailureAt: number;

  /**
   * Six wrong passwords for `person`'s phone, then the right one: their answers, when all seven
   * were answered within the throttle's window (it opens with the first failure, after
   * `firstFailureAt`); undefined when the machine was too slow for that, and nothing follows.
   */
  async function sevenAttempts(person: Person): Promise<Answer[] | undefined> {
    firstFailureAt = Date.now();
    const answers: Answer[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) answers.push(await people.signIn(person.phone, `wrong password ${attempt}`));
    answers.push(await people.signIn(person.phone, person.password));
    return Date.now() - firstFailureAt < LOGIN_THROTTLE_S * 1000 ? answers : undefined;
  }

  it('after 5 wrong passwords, the 6th and the right one get 429 with Retry-After until the window ends; then the right one works', async () => {
    let answers: Answer[] | undefined;
    for (let run = 1; run <= 3 && !answers; run++) {
      frank = await people.person('Frank Iyer');
      answers = await sevenAttempts(frank);
    }
    if (!answers) throw new Error(`three times, seven sign-ins took more than LOGIN_THROTTLE_S (${LOGIN_THROTTLE_S} s)`);
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    for (const answer of answers.slice(5)) {
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(answer.headers.get('retry-after'))).toBeLessThanOrEqual(LOGIN_THROTTLE_S);
    }
    // Another phone is not throttled meanwhile.
    expect((await people.signIn(dora.phone, dora.password)).status).toBe(200);

    const signedIn = await eventually(
      async () => {
        const answer = await people.signIn(frank.phone, frank.password);
        expect(answer.status).toBe(200);
        return answer.body;
      },
      LOGIN_THROTTLE_S * 1000 + 15000,
      250,
    );
    // Not before the window ended.
    expect(Date.now() - firstFailureAt).toBeGreaterThanOrEqual(LOGIN_THROTTLE_S * 1000);
    expect((await call('GET', `${system.urls.users}/v1/users/me`, { token: signedIn.accessToken })).status).toBe(200);
  });

  it('an unknown phone and a wrong password get the same 401 answer', async () => {
    const grace = await people.person('Grace Rao');
    const unknown = await people.signIn(uniquePhone(), grace.password);
    const wrong = await people.signIn(grace.phone, 'not her password at all');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('8. every refusal, the throttled ones and the grant after them are on record: who, what, when, result, origin', async () => {
    const records = (await people.auditLog()).filter((r) => r.action === 'token.issue' && r.resource === `user:${frank.id}`);
    const since = (at: string) => new Date(at).getTime() >= firstFailureAt; // after the sign-in at registration
    const failures = records.filter((r) => r.result === 'FAILURE' && since(r.at));
    expect(failures.length).toBeGreaterThanOrEqual(7); // 5 wrong passwords, then at least 2 throttled attempts
    expect(records.filter((r) => r.result === 'SUCCESS' && since(r.at))).toEqual([
      expect.objectContaining({ actor: frank.id, origin: expect.stringMatching(/127\.0\.0\.1/) }),
    ]);
    for (const record of failures) expect(record.origin).toMatch(/127\.0\.0\.1/);
    expect(JSON.stringify(records)).not.toContain(frank.password);
  });
});

describe('7. address lookups', () => {
  it('30 lookups in a minute are answered; the 31st is 429; another user may still look up', async () => {
    const hank = await people.person('Hank Bose');
    const lookup = (vpa: string, token = hank.token) => call('GET', `${system.urls.users}/v1/vpas/${encodeURIComponent(vpa)}`, { token });

    const found = await lookup('dora@okbank');
    expect(found).toMatchObject({ status: 200, body: { vpa: 'dora@okbank', name: 'D*** M****' } });
    for (let i = 2; i <= 30; i++) {
      const answer = await lookup(i % 2 ? 'dora@okbank' : `nobody${i}@okbank`);
      expect(`lookup ${i}: ${answer.status}`).toBe(`lookup ${i}: ${i % 2 ? 200 : 404}`);
    }
    const thirtyFirst = await lookup('dora@okbank');
    expect(thirtyFirst.status).toBe(429);
    expect(Number(thirtyFirst.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(thirtyFirst.body)).not.toContain('D***');

    expect((await lookup('dora@okbank', dora.token)).status).toBe(200);
  });
});
