import { randomUUID } from 'node:crypto';
import { eventually } from '../support/eventually';
import { testEnv } from '../support/env';
import { getNotifications, getPayment, getPayments, getTimeline, Payment } from './support/api';
import { Answer, call, codeOf, outcomeOf } from './support/client';
import { AuditRecord, Identities, payOnceKnown, Person } from './support/identities';
import { callWithToken, protectedRoutes, routeKey } from './support/routes';
import { RunningSystem, startSystem } from './support/system';

/*
 * access.md's acceptance scenarios 1, 2, 4, 6 and 8 (the audit trail of these), end to end: the six
 * services as processes, every request with a token the users service issued to someone who
 * registered and signed in. Scenarios 3, 5 and 7 are in access-tokens.e2e-spec.ts. The scenarios
 * run in order, as written: 6 de-registers bob, 8 reads the audit trail of everything before it.
 */
let system: RunningSystem;
let people: Identities;
let alice: Person;
let bob: Person;
let carol: Person;
let operator: Person;
/** Alice pays bob 125.50 (scenario 1), final. */
let payment: Payment;
/** The product the operator put in scenario 4. */
let operatorSku: string;
const startedAt = new Date();

const url = {
  payments: (path = '') => `${system.urls.payments}/v1/payments${path}`,
  notifications: (vpa: string) => `${system.urls.notifications}/v1/notifications?vpa=${encodeURIComponent(vpa)}`,
  product: (sku: string) => `${system.urls.inventory}/v1/inventory/products/${sku}`,
  summary: () => `${system.urls.analytics}/v1/analytics/summary`,
  assessment: (id: string) => `${system.urls.fraud}/v1/fraud/assessments/${id}`,
};

beforeAll(async () => {
  system = await startSystem(testEnv('e2e_access'));
  people = new Identities(system);
  [alice, bob, carol, operator] = await Promise.all([
    people.person('Alice Kumar', ['alice@okbank']),
    people.person('Bob Singh', ['bob@okbank']),
    people.person('Carol Das', ['carol@okbank']),
    people.operator(),
  ]);
  await people.fund(alice, '1000.00');
  const created = await payOnceKnown(system, alice, { payerVpa: 'alice@okbank', payeeVpa: 'bob@okbank', amount: '125.50' });
  expect(created.status).toBe(202);
  payment = await eventually(async () => {
    const { status, body } = await getPayment(url.payments(`/${created.body.id}`), alice.token);
    expect(status).toBe(200);
    expect(body.status).not.toBe('PENDING');
    return body;
  }, 30000);
});

afterAll(async () => {
  await system?.stop();
});

const ids = (answer: Answer<{ data: Array<{ id: string }> }>) => answer.body.data.map((p) => p.id);

describe('1. alice pays bob; alice, bob and an operator read it, nobody else', () => {
  it('the payment succeeded', () => {
    expect(payment).toMatchObject({ status: 'SUCCEEDED', payerVpa: 'alice@okbank', payeeVpa: 'bob@okbank', amount: '125.50' });
  });

  it.each(['alice', 'bob'])('%s reads it, its timeline, and finds it in their payments', async (name) => {
    const { token } = name === 'alice' ? alice : bob;
    expect(await getPayment(url.payments(`/${payment.id}`), token)).toMatchObject({ status: 200, body: { id: payment.id } });
    expect(await getTimeline(url.payments(`/${payment.id}/timeline`), token)).toMatchObject({
      status: 200,
      body: { paymentId: payment.id },
    });
    expect(ids(await getPayments(url.payments(), token))).toContain(payment.id);
    expect(ids(await getPayments(url.payments(`?vpa=${name}@okbank`), token))).toContain(payment.id);
  });

  it('a third user gets 404 for it and its timeline, exactly as for an unknown id, and 404 for alice@okbank’s payments', async () => {
    const unknown = await getPayment(url.payments(`/${randomUUID()}`), carol.token);
    expect(unknown.status).toBe(404);
    for (const path of [`/${payment.id}`, `/${payment.id}/timeline`]) {
      const answer = await call('GET', url.payments(path), { token: carol.token });
      expect(`${path}: ${outcomeOf(answer)}`).toBe(`${path}: ${outcomeOf(unknown)}`);
      expect(JSON.stringify(answer.body)).not.toContain('alice');
    }
    expect((await getPayments(url.payments('?vpa=alice@okbank'), carol.token)).status).toBe(404);
    expect(ids(await getPayments(url.payments(), carol.token))).not.toContain(payment.id);
  });

  it('an operator reads it, its timeline and alice@okbank’s payments', async () => {
    expect(await getPayment(url.payments(`/${payment.id}`), operator.token)).toMatchObject({ status: 200, body: { id: payment.id } });
    expect((await getTimeline(url.payments(`/${payment.id}/timeline`), operator.token)).status).toBe(200);
    expect(ids(await getPayments(url.payments('?vpa=alice@okbank'), operator.token))).toContain(payment.id);
  });

  it('notifications follow the same rule: alice and bob see theirs, carol gets 404, an operator sees them', async () => {
    await eventually(async () => {
      const sent = await getNotifications(url.notifications('alice@okbank'), alice.token);
      expect(sent.body.data).toEqual([expect.objectContaining({ paymentId: payment.id, type: 'PAYMENT_SENT' })]);
      const received = await getNotifications(url.notifications('bob@okbank'), bob.token);
      expect(received.body.data).toEqual([expect.objectContaining({ paymentId: payment.id, type: 'PAYMENT_RECEIVED' })]);
    });
    expect((await getNotifications(url.notifications('alice@okbank'), carol.token)).status).toBe(404);
    expect((await getNotifications(url.notifications('bob@okbank'), alice.token)).status).toBe(404);
    expect((await getNotifications(url.notifications('alice@okbank'), operator.token)).body.data).toHaveLength(1);
  });
});

describe('2. refused payments create nothing', () => {
  /** Every payment alice can see, and every payment of bob@okbank (as the operator sees them). */
  const snapshot = async () => [
    ids(await getPayments(url.payments('?limit=100'), alice.token)),
    ids(await getPayments(url.payments('?vpa=bob@okbank&limit=100'), operator.token)),
  ];

  it('alice pays from bob@okbank → 403 VPA.NOT_OWNED', async () => {
    const before = await snapshot();
    const answer = await call('POST', url.payments(), {
      token: alice.token,
      body: { payerVpa: 'bob@okbank', payeeVpa: 'alice@okbank', amount: '10.00', currency: 'INR' },
    });
    expect(outcomeOf(answer)).toBe('403 VPA.NOT_OWNED');
    expect(await snapshot()).toEqual(before);
  });

  it('alice pays nobody@okbank → 422 PAYEE.UNKNOWN', async () => {
    const before = await snapshot();
    const answer = await call('POST', url.payments(), {
      token: alice.token,
      body: { payerVpa: 'alice@okbank', payeeVpa: 'nobody@okbank', amount: '10.00', currency: 'INR' },
    });
    expect(outcomeOf(answer)).toBe('422 PAYEE.UNKNOWN');
    expect(await snapshot()).toEqual(before);
  });
});

describe('4. operator routes refuse users', () => {
  it('carol (a user) gets 403 for stock, the analytics summary and a fraud assessment; nothing changes', async () => {
    const sku = `X-${randomUUID().slice(0, 8)}`;
    const attempts = [
      await call('PUT', url.product(sku), { token: carol.token, body: { name: 'Stolen', stock: 1000 } }),
      await call('GET', url.summary(), { token: carol.token }),
      await call('GET', url.assessment(payment.id), { token: carol.token }),
    ];
    for (const answer of attempts) {
      expect(answer.status).toBe(403);
      expect(codeOf(answer)).toEqual(expect.any(String));
    }
    expect((await call('GET', url.product(sku), { token: carol.token })).status).toBe(404);
  });

  it('the operator may do each of these', async () => {
    operatorSku = `X-${randomUUID().slice(0, 8)}`;
    const stocked = await call('PUT', url.product(operatorSku), { token: operator.token, body: { name: 'Stocked', stock: 5 } });
    expect(stocked.status).toBe(201);
    expect((await call('GET', url.summary(), { token: operator.token })).status).toBe(200);
    const assessment = await call('GET', url.assessment(payment.id), { token: operator.token });
    expect(assessment).toMatchObject({ status: 200, body: { paymentId: payment.id, decision: 'APPROVED' } });
  });
});

describe('6. bob de-registers', () => {
  it('his token is refused everywhere within seconds; bob@okbank can no longer be paid nor used; his payments stay', async () => {
    const routes = await protectedRoutes(system);
    // Until now his token works on every route (each answers anything but 401), this one aside.
    const accepted = routes.filter((route) => routeKey(route) !== 'users DELETE /v1/users/me');
    for (const route of accepted)
      expect(`${routeKey(route)}: ${(await callWithToken(system, route, bob.token)).status}`).not.toMatch(/: 401$/);
    expect(outcomeOf(await call('DELETE', `${system.urls.users}/v1/users/me`, { token: bob.token }))).toBe('204');

    // "Within seconds" (payments.md's "soon": 10 s): each service learns it from the users service's events.
    await eventually(async () => {
      const stillAccepted: string[] = [];
      for (const route of routes) {
        const answer = await callWithToken(system, route, bob.token);
        if (answer.status !== 401) stillAccepted.push(`${routeKey(route)}: ${outcomeOf(answer)}`);
      }
      expect(stillAccepted).toEqual([]);
    }, 10000);
    await eventually(async () => {
      const answer = await call('POST', url.payments(), {
        token: alice.token,
        body: { payerVpa: 'alice@okbank', payeeVpa: 'bob@okbank', amount: '1.00', currency: 'INR' },
      });
      expect(outcomeOf(answer)).toBe('422 PAYEE.UNKNOWN');
    }, 10000);
    const fromBobs = await call('POST', url.payments(), {
      token: carol.token,
      body: { payerVpa: 'bob@okbank', payeeVpa: 'alice@okbank', amount: '1.00', currency: 'INR' },
    });
    expect(outcomeOf(fromBobs)).toBe('403 VPA.NOT_OWNED');
    expect((await call('GET', `${system.urls.users}/v1/vpas/bob@okbank`, { token: carol.token })).status).toBe(404);

    // His payments stay: alice still reads the one she paid him, and the operator finds it under bob@okbank.
    expect((await getPayment(url.payments(`/${payment.id}`), alice.token)).status).toBe(200);
    expect(ids(await getPayments(url.payments('?vpa=bob@okbank&limit=100'), operator.token))).toContain(payment.id);
  });
});

describe('8. the audit trail: who, what, when, result, origin', () => {
  let trail: AuditRecord[];
  beforeAll(async () => {
    trail = await people.auditLog({ from: startedAt.toISOString() });
  });

  /** The records of `action` on `resource`, each with when and from where. */
  const recordsOf = (action: string, resource: string) => {
    const found = trail.filter((r) => r.action === action && r.resource === resource);
    for (const record of found) {
      expect(new Date(record.at).getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);
      expect(new Date(record.at).getTime()).toBeLessThanOrEqual(Date.now());
      expect(record.origin).toMatch(/127\.0\.0\.1/);
    }
    return found;
  };

  it('sign-ups, token grants and VPA links of alice, bob and carol, by them', () => {
    for (const [person, vpa] of [
      [alice, 'alice@okbank'],
      [bob, 'bob@okbank'],
      [carol, 'carol@okbank'],
    ] as const) {
      expect(recordsOf('user.register', `user:${person.id}`)).toEqual([expect.objectContaining({ actor: person.id, result: 'SUCCESS' })]);
      expect(recordsOf('token.issue', `user:${person.id}`)).toContainEqual(
        expect.objectContaining({ actor: person.id, result: 'SUCCESS' }),
      );
      expect(recordsOf('vpa.link', `vpa:${vpa}`)).toEqual([expect.objectContaining({ actor: person.id, result: 'SUCCESS' })]);
    }
  });

  it('the operator’s role, granted at registration', () => {
    expect(recordsOf('role.grant', `user:${operator.id}`)).toEqual([expect.objectContaining({ result: 'SUCCESS' })]);
    expect(recordsOf('role.grant', `user:${alice.id}`)).toEqual([]);
  });

  it('bob’s de-registration and the unlink of bob@okbank', () => {
    expect(recordsOf('user.deregister', `user:${bob.id}`)).toEqual([expect.objectContaining({ actor: bob.id, result: 'SUCCESS' })]);
    expect(recordsOf('vpa.unlink', 'vpa:bob@okbank')).toEqual([expect.objectContaining({ actor: bob.id, result: 'SUCCESS' })]);
  });

  it('the operator’s reading of the trail (the one above) is itself on record', async () => {
    const reads = (await people.auditLog({ actor: operator.id })).filter((r) => r.action === 'audit.read');
    expect(reads.length).toBeGreaterThanOrEqual(1);
    expect(reads[0]).toMatchObject({ actor: operator.id, result: 'SUCCESS', origin: expect.stringMatching(/127\.0\.0\.1/) });
  });

  it('the operator’s requests to the other services (scenarios 1 and 4), which reach it as events', async () => {
    const resources = [
      `/v1/payments/${payment.id}`,
      `/v1/inventory/products/${operatorSku}`,
      '/v1/analytics/summary',
      `/v1/fraud/assessments/${payment.id}`,
    ];
    const records = await eventually(async () => {
      const mine = await people.auditLog({ actor: operator.id, from: startedAt.toISOString() });
      const found = resources.map((resource) => mine.find((r) => r.resource?.endsWith(resource)));
      expect(resources.filter((_resource, i) => !found[i])).toEqual([]); // none missing
      return found as AuditRecord[];
    });
    for (const record of records) {
      expect(record).toMatchObject({ actor: operator.id, result: 'SUCCESS', origin: expect.stringMatching(/127\.0\.0\.1/) });
      expect(new Date(record.at).getTime()).toBeGreaterThanOrEqual(startedAt.getTime());
    }
  });

  it('no password, token or phone in any record', () => {
    const text = JSON.stringify(trail);
    for (const person of [alice, bob, carol, operator]) {
      expect(text).not.toContain(person.password);
      expect(text).not.toContain(person.token.split('.')[2]);
      expect(text).not.toContain(person.phone.slice(3));
    }
  });
});
