import { randomUUID } from 'node:crypto';
import { Topics } from '@app/contracts';
import { testEnv } from '../../../test/support/env';
import { newOperator, newUser, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { refusal, RefusedCredential, refusedCredentials } from '../../../test/support/refused-tokens';
import { RunningService } from '../../../test/support/service-app';
import { Answer, DisputesApi, startDisputes, TestPayment } from './support/disputes-api';

// Who may do what with disputes (shared/spec/disputes.md, access.md): the payer files and
// withdraws, payer, payee and operators read and comment, operators review and resolve; a party
// who may not do something is told 403, anyone else is told nothing (404, as for an unknown id).
const env = testEnv('disputes_access');
const kafka = new TestKafka(env);
let service: RunningService;
let api: DisputesApi;
let operator: TestUser;
let payer: TestUser;
let payee: TestUser;
let stranger: TestUser;
let credentials: RefusedCredential[];
let payment: TestPayment;

beforeAll(async () => {
  service = await startDisputes(env);
  api = new DisputesApi(service, kafka);
  [operator, payer, payee, stranger, credentials] = await Promise.all([
    newOperator(),
    newUser(),
    newUser(),
    newUser(),
    refusedCredentials(),
  ]);
  payment = await api.succeeded(api.payment(payer, payee, 500_00));
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

const outcome = ({ status, body }: Answer) => ({ status, code: body.code as unknown });
const forbidden = (code: string) => ({ status: 403, code });
const notFound = { status: 404, code: 'DISPUTE.NOT_FOUND' };

/** A dispute of the payment, opened by its payer (one at a time: the last one is withdrawn first). */
async function openDispute(): Promise<string> {
  const answer = await api.open(payer, payment.id, { amount: '1.00' });
  expect(answer.status).toBe(201);
  return answer.body.id as string;
}

describe('who may do what with disputes', () => {
  it('lets only the payer file: the payee and an operator 403 DISPUTE.NOT_PAYER, anyone else 404 as for an unknown payment', async () => {
    expect(outcome(await api.open(payee, payment.id))).toEqual(forbidden('DISPUTE.NOT_PAYER'));
    expect(outcome(await api.open(operator, payment.id))).toEqual(forbidden('DISPUTE.NOT_PAYER'));
    const unknown = randomUUID();
    expect(await api.open(stranger, payment.id)).toEqual({
      status: 404,
      body: { ...(await api.open(stranger, unknown)).body, message: `payment ${payment.id} not found` },
    });
    const id = await openDispute();
    expect((await api.list(operator, '?status=OPEN&limit=100')).body.data).toEqual([expect.objectContaining({ id })]);
    expect((await api.withdraw(id, payer)).status).toBe(200);
  });

  it('lets nobody dispute a payment made before identities existed: an operator sees it (403), a user does not (404)', async () => {
    const old = api.payment(null, null);
    await api.send(api.paymentEvent('PaymentInitiated', old), api.paymentEvent('PaymentSucceeded', old));
    expect(outcome(await api.known(old, (answer) => answer.status !== 404, operator))).toEqual(forbidden('DISPUTE.NOT_PAYER'));
    expect(outcome(await api.open(stranger, old.id))).toEqual({ status: 404, code: 'PAYMENT.NOT_FOUND' });
  });

  it('shows a dispute, its history and comments to payer, payee and operators; 404 to anyone else and for a malformed id', async () => {
    const id = await openDispute();
    expect((await api.comment(id, payee, 'from the payee')).status).toBe(201);
    for (const who of [payer, payee, operator]) {
      const { status, body } = await api.get(id, who);
      expect({ status, id: body.id, comments: (body.comments as unknown[]).length, history: (body.history as unknown[]).length }).toEqual({
        status: 200,
        id,
        comments: 1,
        history: 1,
      });
    }
    expect(outcome(await api.get(id, stranger))).toEqual(notFound);
    expect(await api.get(id, stranger)).toEqual({
      status: 404,
      body: { ...(await api.get(randomUUID(), stranger)).body, message: `dispute ${id} not found` },
    });
    expect(outcome(await api.get('not-a-dispute', operator))).toEqual(notFound);
    expect(outcome(await api.get(`${id}x`, payer))).toEqual(notFound);

    for (const who of [payer, payee, operator])
      expect(((await api.list(who, '?limit=100')).body.data as Array<{ id: string }>).map((d) => d.id)).toContain(id);
    expect((await api.list(stranger)).body).toEqual({ data: [], nextCursor: null });
    expect((await api.withdraw(id, payer)).status).toBe(200);
  });

  it('lets payer, payee and operators comment; anyone else 404', async () => {
    const id = await openDispute();
    for (const who of [payer, payee, operator]) expect((await api.comment(id, who)).status).toBe(201);
    expect(outcome(await api.comment(id, stranger))).toEqual(notFound);
    expect(outcome(await api.comment(randomUUID(), operator))).toEqual(notFound);
    expect((await api.get(id, operator)).body.comments).toHaveLength(3);
    expect((await api.withdraw(id, payer)).status).toBe(200);
  });

  it('lets only operators review and resolve: 403 AUTH.FORBIDDEN to the parties, 404 to anyone else, and nothing changes', async () => {
    const id = await openDispute();
    for (const who of [payer, payee]) expect(outcome(await api.review(id, who))).toEqual(forbidden('AUTH.FORBIDDEN'));
    expect(outcome(await api.review(id, stranger))).toEqual(notFound);
    expect(outcome(await api.review(randomUUID(), operator))).toEqual(notFound);
    expect((await api.get(id, payer)).body.status).toBe('OPEN');
    expect((await api.review(id, operator)).status).toBe(200);

    for (const who of [payer, payee]) expect(outcome(await api.resolve(id, who, 'PAYER'))).toEqual(forbidden('AUTH.FORBIDDEN'));
    expect(outcome(await api.resolve(id, stranger, 'PAYER'))).toEqual(notFound);
    expect(outcome(await api.resolve('not-a-dispute', operator, 'PAYER'))).toEqual(notFound);
    expect((await api.get(id, payer)).body.status).toBe('UNDER_REVIEW');
    expect((await api.resolve(id, operator, 'PAYEE')).status).toBe(200);
  });

  it('lets only the payer withdraw: 403 DISPUTE.NOT_PAYER to the payee and operators, 404 to anyone else', async () => {
    const id = await openDispute();
    expect(outcome(await api.withdraw(id, payee))).toEqual(forbidden('DISPUTE.NOT_PAYER'));
    expect(outcome(await api.withdraw(id, operator))).toEqual(forbidden('DISPUTE.NOT_PAYER'));
    expect(outcome(await api.withdraw(id, stranger))).toEqual(notFound);
    expect((await api.get(id, payer)).body.status).toBe('OPEN');
    expect((await api.withdraw(id, payer)).body.status).toBe('WITHDRAWN');
  });

  it('audits every operator action (OperatorActed, through the outbox) and no user’s', async () => {
    const auditor = await newOperator();
    const id = await openDispute();
    await api.get(id, auditor);
    await api.review(id, auditor);
    await api.withdraw(id, payer);
    const messages = await kafka.read(Topics.OperatorActions, (seen) => seen.filter((m) => m.key === auditor.userId).length >= 2);
    const actions = messages
      .filter((m) => m.key === auditor.userId)
      .map((m) => (JSON.parse(m.value!) as { payload: { service: string; action: string; status: number } }).payload);
    expect(actions).toEqual([
      expect.objectContaining({ service: 'disputes', action: 'GET /v1/disputes/:id', status: 200 }),
      expect.objectContaining({ service: 'disputes', action: 'POST /v1/disputes/:id/review', status: 200 }),
    ]);
    expect(messages.filter((m) => m.key === payer.userId)).toEqual([]);
  });

  it('refuses every bad credential with 401, WWW-Authenticate: Bearer and a stable code, on every route', async () => {
    const id = await openDispute();
    const routes: Array<[string, string, unknown]> = [
      ['POST', '/v1/disputes', { paymentId: payment.id, reason: 'OTHER', description: 'x' }],
      ['GET', '/v1/disputes', undefined],
      ['GET', `/v1/disputes/${id}`, undefined],
      ['POST', `/v1/disputes/${id}/comments`, { text: 'x' }],
      ['POST', `/v1/disputes/${id}/review`, undefined],
      ['POST', `/v1/disputes/${id}/resolve`, { outcome: 'PAYER', note: 'x' }],
      ['POST', `/v1/disputes/${id}/withdraw`, undefined],
    ];
    for (const [method, path, body] of routes) {
      for (const credential of credentials) {
        const response = await fetch(`${service.url}${path}`, {
          method,
          headers: { ...credential.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        expect({ path, method, credential: credential.name, ...(await refusal(response)) }).toEqual({
          path,
          method,
          credential: credential.name,
          status: 401,
          code: credential.code,
          challenge: expect.stringMatching(/^Bearer /),
        });
      }
    }
    expect((await api.get(id, payer)).body).toMatchObject({ status: 'OPEN', comments: [] });
    expect((await api.withdraw(id, payer)).status).toBe(200);
  });

  it('lets anyone read health and the API documentation', async () => {
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${service.url}/docs`)).status).toBe(200);
    const document = (await (await fetch(`${service.url}/docs-json`)).json()) as { paths: Record<string, unknown>; tags?: unknown[] };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/disputes',
        '/v1/disputes/{id}',
        '/v1/disputes/{id}/comments',
        '/v1/disputes/{id}/review',
        '/v1/disputes/{id}/resolve',
        '/v1/disputes/{id}/withdraw',
      ]),
    );
  });
});
