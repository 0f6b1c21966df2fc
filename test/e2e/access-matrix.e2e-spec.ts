import { randomUUID } from 'node:crypto';
import { eventually } from '../support/eventually';
import { testEnv } from '../support/env';
import { getNotifications, getPayment } from './support/api';
import { Answer, call, outcomeOf } from './support/client';
import { Identities, payOnceKnown, Person, uniquePhone, uniqueVpa } from './support/identities';
import { documentedRoutes, isPublicByContract, Route, routeKey } from './support/routes';
import { ALL_SERVICES, AnyService, RunningSystem, startSystem } from './support/system';
import { invalidTokens } from './support/tokens';

/*
 * Who may do what (access.md), route by route: every route that any service documents in its
 * OpenAPI document is called by each kind of caller, and each answer is checked against the rule of
 * the contract for that route, kept in the table below. A documented route without a rule fails the
 * suite, so a route added later fails until someone writes down who may call it.
 */
const CALLERS = ['no token', 'bad token', 'another user', 'owner', 'operator'] as const;
type CallerKind = (typeof CALLERS)[number];

interface Request {
  /** The path with its parameters and query. */
  path: string;
  body?: unknown;
  /** Who calls instead of the caller of that kind (a fresh identity when the call changes its caller). */
  as?: Person;
}

interface Rule {
  /** The status each kind of caller gets. */
  expect: Record<CallerKind, number>;
  request(caller: CallerKind): Request | Promise<Request>;
  /** What a 2xx body holds, for the one who called. */
  body?(caller: Person | undefined): Record<string, unknown>;
}

// The rules of access.md, by who may call.
const everyone = (status: number) => ({ 'no token': status, 'bad token': status, 'another user': status, owner: status, operator: status });
const anyUser = (status: number) => ({ 'no token': 401, 'bad token': 401, 'another user': status, owner: status, operator: status });
/** The owner (a party of the payment, the holder of the VPA) or an operator; to others it does not exist. */
const partiesAndOperators = (status: number) => ({ ...anyUser(status), 'another user': 404 });
const operatorsOnly = (status: number) => ({ ...anyUser(status), 'another user': 403, owner: 403 });

let system: RunningSystem;
let people: Identities;
/** Owner holds ownerVpa and paid payeeVpa: the payment, final. */
let owner: Person;
let other: Person;
let operator: Person;
let badToken: string;
let paymentId: string;
let sku: string;
type Via = 'service' | 'gateway';
/**
 * The owner's payments, each final: one for the matrix to dispute, and one disputed for each
 * dispute route — a set for each way of calling, since a dispute moves only once.
 */
const disputeFixtures = () => ({ disputable: '', read: '', review: '', resolve: '', withdraw: '' });
const disputesVia: Record<Via, ReturnType<typeof disputeFixtures>> = { service: disputeFixtures(), gateway: disputeFixtures() };

const ownerVpa = () => owner.vpas[0];

function rules(via: Via = 'service'): Record<string, Rule> {
  const { disputable, ...disputeIds } = disputesVia[via];
  const table: Record<string, Rule> = {
    'users POST /v1/users': {
      expect: everyone(201),
      request: () => ({ path: '/v1/users', body: { name: 'Newton Roy', phone: uniquePhone(), password: 'a long enough password' } }),
    },
    'users POST /v1/auth/token': {
      expect: everyone(200),
      request: () => ({ path: '/v1/auth/token', body: { phone: owner.phone, password: owner.password } }),
    },
    'users GET /.well-known/jwks.json': { expect: everyone(200), request: () => ({ path: '/.well-known/jwks.json' }) },
    'users GET /v1/users/me': {
      expect: anyUser(200),
      request: () => ({ path: '/v1/users/me' }),
      body: (caller) => ({ id: caller!.id }),
    },
    'users DELETE /v1/users/me': {
      expect: anyUser(204),
      // it de-registers whoever calls: each caller is someone new
      request: async (caller) => ({
        path: '/v1/users/me',
        as: caller === 'operator' ? await people.newOperator('Opal Leaving') : await people.person('Leo Leaving'),
      }),
    },
    'users POST /v1/users/me/vpas': {
      expect: anyUser(201),
      request: () => ({ path: '/v1/users/me/vpas', body: { vpa: uniqueVpa('linked') } }),
    },
    'users DELETE /v1/users/me/vpas/{vpa}': {
      expect: { ...partiesAndOperators(204), operator: 404 },
      // the owner here is someone new each time, holding the VPA (a refused unlink leaves it linked)
      request: async (caller) => {
        const vpa = uniqueVpa('unlinked');
        const holder = await people.person('Vic Holder', [vpa]);
        return { path: `/v1/users/me/vpas/${vpa}`, as: caller === 'owner' ? holder : undefined };
      },
    },
    'users GET /v1/vpas/{vpa}': {
      expect: anyUser(200),
      request: () => ({ path: `/v1/vpas/${ownerVpa()}` }),
      body: () => ({ vpa: ownerVpa(), name: 'O*** M****' }),
    },
    'users GET /v1/users/audit': { expect: operatorsOnly(200), request: () => ({ path: '/v1/users/audit?limit=1' }) },
    'payments POST /v1/payments': {
      expect: { ...anyUser(202), 'another user': 403, operator: 403 },
      request: () => ({
        path: '/v1/payments',
        body: { payerVpa: ownerVpa(), payeeVpa: 'payee@okbank', amount: '1.00', currency: 'INR' },
      }),
      body: () => ({ status: 'PENDING', payerVpa: ownerVpa() }),
    },
    'payments GET /v1/payments': {
      expect: partiesAndOperators(200),
      request: () => ({ path: `/v1/payments?vpa=${ownerVpa()}` }),
    },
    'payments GET /v1/payments/{id}': {
      expect: partiesAndOperators(200),
      request: () => ({ path: `/v1/payments/${paymentId}` }),
      body: () => ({ id: paymentId }),
    },
    'payments GET /v1/payments/{id}/timeline': {
      expect: partiesAndOperators(200),
      request: () => ({ path: `/v1/payments/${paymentId}/timeline` }),
      body: () => ({ paymentId }),
    },
    'payments POST /v1/payments/{id}/refunds': {
      // the payee's user refunds; the owner here is the payer: the payment is theirs to see, not to refund
      expect: { ...partiesAndOperators(202), owner: 403 },
      request: () => ({ path: `/v1/payments/${paymentId}/refunds`, body: { amount: '0.01', reason: 'matrix' } }),
      body: () => ({ paymentId, amount: '0.01', status: 'PENDING' }),
    },
    'payments GET /v1/payments/{id}/refunds': {
      expect: partiesAndOperators(200),
      request: () => ({ path: `/v1/payments/${paymentId}/refunds` }),
    },
    'notifications GET /v1/notifications': {
      expect: partiesAndOperators(200),
      request: () => ({ path: `/v1/notifications?vpa=${ownerVpa()}` }),
    },
    'inventory GET /v1/inventory/products/{sku}': {
      expect: anyUser(200),
      request: () => ({ path: `/v1/inventory/products/${sku}` }),
      body: () => ({ sku }),
    },
    'inventory PUT /v1/inventory/products/{sku}': {
      expect: operatorsOnly(201),
      request: () => ({ path: `/v1/inventory/products/NEW-${randomUUID().slice(0, 8)}`, body: { name: 'New', stock: 1 } }),
    },
    'fraud GET /v1/fraud/assessments/{paymentId}': {
      expect: operatorsOnly(200),
      request: () => ({ path: `/v1/fraud/assessments/${paymentId}` }),
      body: () => ({ paymentId }),
    },
    'analytics GET /v1/analytics/summary': { expect: operatorsOnly(200), request: () => ({ path: '/v1/analytics/summary' }) },
    'ledger GET /v1/ledger/accounts/{vpa}': {
      expect: partiesAndOperators(200),
      request: () => ({ path: `/v1/ledger/accounts/${ownerVpa()}` }),
      body: () => ({ vpa: ownerVpa(), status: 'OPEN' }),
    },
    'ledger GET /v1/ledger/accounts/{vpa}/entries': {
      expect: partiesAndOperators(200),
      request: () => ({ path: `/v1/ledger/accounts/${ownerVpa()}/entries?limit=1` }),
    },
    'ledger POST /v1/ledger/accounts/{vpa}/deposits': {
      expect: operatorsOnly(201),
      request: () => ({ path: `/v1/ledger/accounts/${ownerVpa()}/deposits`, body: { amount: '1.00', reference: randomUUID() } }),
      body: () => ({ kind: 'DEPOSIT', amount: '1.00' }),
    },
    'ledger POST /v1/ledger/accounts/{vpa}/withdrawals': {
      expect: operatorsOnly(201),
      request: () => ({ path: `/v1/ledger/accounts/${ownerVpa()}/withdrawals`, body: { amount: '0.01', reference: randomUUID() } }),
      body: () => ({ kind: 'WITHDRAWAL', amount: '0.01' }),
    },
    'disputes POST /v1/disputes': {
      // the payer's user files; the payee or an operator may see the payment but not dispute it
      expect: { ...partiesAndOperators(201), operator: 403 },
      request: () => ({ path: '/v1/disputes', body: { paymentId: disputable, reason: 'OTHER', description: 'matrix', amount: '0.01' } }),
      body: () => ({ paymentId: disputable, status: 'OPEN' }),
    },
    'disputes GET /v1/disputes': { expect: anyUser(200), request: () => ({ path: '/v1/disputes?limit=1' }) },
    'disputes GET /v1/disputes/{id}': {
      expect: partiesAndOperators(200),
      request: () => ({ path: `/v1/disputes/${disputeIds.read}` }),
      body: () => ({ id: disputeIds.read }),
    },
    'disputes POST /v1/disputes/{id}/comments': {
      expect: partiesAndOperators(201),
      request: () => ({ path: `/v1/disputes/${disputeIds.read}/comments`, body: { text: 'a word' } }),
    },
    'disputes POST /v1/disputes/{id}/review': {
      expect: { ...partiesAndOperators(200), owner: 403 },
      request: () => ({ path: `/v1/disputes/${disputeIds.review}/review` }),
      body: () => ({ status: 'UNDER_REVIEW' }),
    },
    'disputes POST /v1/disputes/{id}/resolve': {
      expect: { ...partiesAndOperators(200), owner: 403 },
      request: () => ({ path: `/v1/disputes/${disputeIds.resolve}/resolve`, body: { outcome: 'PAYEE', note: 'matrix' } }),
      body: () => ({ status: 'RESOLVED_FOR_PAYEE' }),
    },
    'disputes POST /v1/disputes/{id}/withdraw': {
      // the payer withdraws (the owner, before the operator in the order callers are tried)
      expect: { ...partiesAndOperators(200), operator: 403 },
      request: () => ({ path: `/v1/disputes/${disputeIds.withdraw}/withdraw` }),
    },
    'ledger GET /v1/ledger/reconciliation': {
      expect: operatorsOnly(200),
      request: () => ({ path: '/v1/ledger/reconciliation' }),
      body: () => ({ conserved: true }),
    },
  };
  for (const service of ALL_SERVICES) {
    for (const path of ['/health/live', '/health/ready'])
      table[`${service} GET ${path}`] = { expect: everyone(200), request: () => ({ path }) };
  }
  return table;
}

beforeAll(async () => {
  // The owner makes 11 payments within a minute, which the velocity rule (10) would start refusing.
  system = await startSystem({ ...testEnv('e2e_access_matrix'), FRAUD_VELOCITY_LIMIT: '100' });
  people = new Identities(system);
  let payee: Person;
  [owner, other, payee, operator] = await Promise.all([
    people.person('Owen Mehra', [uniqueVpa('owen')]),
    people.person('Otto Other', [uniqueVpa('otto')]),
    people.person('Pia Payee', ['payee@okbank']),
    people.operator(),
  ]);
  badToken = (await invalidTokens(system, owner.token))['with a tampered payload (roles: operator)'];
  await people.fund(owner, '1000.00');
  const created = await payOnceKnown(system, owner, { payerVpa: ownerVpa(), payeeVpa: payee.vpas[0], amount: '10.00' });
  expect(created.status).toBe(202);
  paymentId = created.body.id;
  // Final (so assessed), and the owner notified of it.
  await eventually(async () =>
    expect((await getPayment(`${system.urls.payments}/v1/payments/${paymentId}`, owner.token)).body.status).not.toBe('PENDING'),
  );
  await eventually(async () =>
    expect((await getNotifications(`${system.urls.notifications}/v1/notifications?vpa=${ownerVpa()}`, owner.token)).body.data).toEqual([
      expect.objectContaining({ paymentId }),
    ]),
  );
  // Payments for the disputes routes, and their disputes once the disputes service knows them.
  const more = await Promise.all(
    Array.from({ length: 10 }, async () => {
      const made = await payOnceKnown(system, owner, { payerVpa: ownerVpa(), payeeVpa: payee.vpas[0], amount: '1.00' });
      expect(made.status).toBe(202);
      return made.body.id;
    }),
  );
  const open = (id: string) =>
    eventually(async () => {
      const answer = await call('POST', `${system.urls.disputes}/v1/disputes`, {
        token: owner.token,
        body: { paymentId: id, reason: 'OTHER', description: 'matrix' },
      });
      expect(answer.status).toBe(201);
      return (answer.body as { id: string }).id;
    }, 60000);
  for (const [i, fixtures] of Object.values(disputesVia).entries()) {
    const [disputable, ...disputed] = more.slice(5 * i, 5 * i + 5);
    fixtures.disputable = disputable;
    [fixtures.read, fixtures.review, fixtures.resolve, fixtures.withdraw] = await Promise.all(disputed.map(open));
    // Known to the disputes service too (a dispute for more than the payment is refused only once it is), with nothing filed.
    await eventually(async () => {
      const probe = await call('POST', `${system.urls.disputes}/v1/disputes`, {
        token: owner.token,
        body: { paymentId: disputable, reason: 'OTHER', description: 'probe', amount: '1000.00' },
      });
      expect(probe.status).toBe(422);
    }, 60000);
    const reviewed = await call('POST', `${system.urls.disputes}/v1/disputes/${fixtures.resolve}/review`, { token: operator.token });
    expect(reviewed.status).toBe(200);
  }
  sku = `MATRIX-${randomUUID().slice(0, 8)}`;
  const stocked = await call('PUT', `${system.urls.inventory}/v1/inventory/products/${sku}`, {
    token: operator.token,
    body: { name: 'Matrix', stock: 3 },
  });
  expect(stocked.status).toBe(201);
}, 180000);

afterAll(async () => {
  await system?.stop();
});

/**
 * Calls `route` as `caller` under `rule`, at its service or through the gateway; answers what is
 * wrong with the answer, if anything.
 */
async function check(route: Route, rule: Rule, caller: CallerKind, via: Via): Promise<string | undefined> {
  const { path, body, as } = await rule.request(caller);
  const person = as ?? ({ 'another user': other, owner, operator } as Partial<Record<CallerKind, Person>>)[caller];
  const token = caller === 'no token' ? undefined : caller === 'bad token' ? badToken : person?.token;
  const base = via === 'gateway' ? system.urls.gateway : system.urls[route.service];
  const answer: Answer = await call(route.method, `${base}${path}`, { token, body });
  const expected = rule.expect[caller];
  const where = `${routeKey(route)} as ${caller}${via === 'gateway' ? ' through the gateway' : ''}`;
  if (answer.status !== expected) return `${where}: ${outcomeOf(answer)}, expected ${expected}`;
  if (expected === 401 && !/^Bearer\b/.test(answer.headers.get('www-authenticate') ?? ''))
    return `${where}: 401 without WWW-Authenticate: Bearer`;
  if (expected < 300 && rule.body) {
    const wanted = rule.body(person);
    const got = answer.body as Record<string, unknown>;
    const differs = Object.entries(wanted).filter(([key, value]) => JSON.stringify(got?.[key]) !== JSON.stringify(value));
    if (differs.length) return `${where}: ${JSON.stringify(got)} does not have ${JSON.stringify(wanted)}`;
  }
  return undefined;
}

describe('every documented route answers each kind of caller as access.md says', () => {
  let documented: Route[];
  beforeAll(async () => {
    documented = await documentedRoutes(system);
  });

  /** The routes of a service that the gateway forwards: its API, not its own /health, /docs or /metrics. */
  const forwarded = (route: Route) => route.path.startsWith('/v1/') || route.path.startsWith('/.well-known/');

  // At the service, and through the gateway, which verifies no token itself: every answer the same.
  it.each(ALL_SERVICES.flatMap((service) => [[service, 'service'] as const, [service, 'gateway'] as const]))(
    '%s, called at the %s',
    async (service: AnyService, via: Via) => {
      const table = rules(via);
      const routes = documented.filter((route) => route.service === service && (via === 'service' || forwarded(route)));
      expect(routes.length).toBeGreaterThan(via === 'service' ? 2 : 0); // its API, not only its health
      const wrong: string[] = [];
      for (const route of routes) {
        const rule = table[routeKey(route)];
        if (!rule) {
          wrong.push(`${routeKey(route)}: no rule in this test's table (who may call it?)`);
          continue;
        }
        for (const caller of CALLERS) {
          const problem = await check(route, rule, caller, via);
          if (problem) wrong.push(problem);
        }
      }
      expect(wrong).toEqual([]);
    },
  );

  it('every rule of the table is for a route some service documents', () => {
    const keys = new Set(documented.map(routeKey));
    expect(Object.keys(rules()).filter((key) => !keys.has(key))).toEqual([]);
  });

  it('the documents mark as needing no token exactly the routes anyone may call', () => {
    const table = rules();
    const misdocumented = documented.filter((route) => {
      const open = table[routeKey(route)]?.expect['no token'] !== 401;
      return route.documentedPublic !== open || isPublicByContract(route) !== open;
    });
    expect(misdocumented.map((route) => `${routeKey(route)}: documented ${route.documentedPublic ? 'public' : 'protected'}`)).toEqual([]);
  });
});

describe('the API documents themselves', () => {
  it.each(ALL_SERVICES)('%s serves /docs and /docs-json to anyone', async (service) => {
    for (const path of ['/docs', '/docs-json']) {
      expect(`${path}: ${(await call('GET', `${system.urls[service]}${path}`)).status}`).toBe(`${path}: 200`);
    }
  });
});
