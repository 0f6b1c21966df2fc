import { testEnv } from '../../../test/support/env';
import { newOperator, newUser, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { refusal, RefusedCredential, refusedCredentials } from '../../../test/support/refused-tokens';
import { RunningService } from '../../../test/support/service-app';
import { LedgerApi, newVpa, startLedger } from './support/ledger-api';

// Who may do what with accounts (shared/spec/money.md, access.md): its user and operators read an
// account, operators alone move money in or out and reconcile; anyone else is told nothing.
const env = testEnv('ledger_access');
const kafka = new TestKafka(env);
let service: RunningService;
let api: LedgerApi;
let operator: TestUser;
let owner: TestUser;
let stranger: TestUser;
let credentials: RefusedCredential[];
let vpa: string;

beforeAll(async () => {
  service = await startLedger(env);
  api = new LedgerApi(service, kafka);
  [operator, owner, stranger, credentials] = await Promise.all([newOperator(), newUser(), newUser(), refusedCredentials()]);
  vpa = newVpa('owner');
  await api.open(owner, [vpa], operator);
  expect((await api.deposit(vpa, operator, '10.00')).status).toBe(201);
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

describe('who may use the ledger API', () => {
  it('shows an account and its statement to its user', async () => {
    expect(await api.account(vpa, owner)).toEqual({
      status: 200,
      body: {
        vpa,
        currency: 'INR',
        balance: '10.00',
        held: '0.00',
        available: '10.00',
        status: 'OPEN',
        dailyLimit: '100000.00',
        spentToday: '0.00',
      },
    });
    expect((await api.entries(vpa, owner)).body.data).toHaveLength(1);
  });

  it('answers another user 404, exactly as for a VPA without an account', async () => {
    for (const response of [
      await api.account(vpa, stranger),
      await api.entries(vpa, stranger),
      await api.account(newVpa('none'), stranger),
    ]) {
      expect(response).toEqual({ status: 404, body: expect.objectContaining({ code: 'ACCOUNT.NOT_FOUND' }) });
    }
  });

  it('shows every account to an operator', async () => {
    expect((await api.account(vpa, operator)).status).toBe(200);
    expect((await api.entries(vpa, operator)).status).toBe(200);
  });

  it('lets only operators deposit and withdraw: 403 AUTH.FORBIDDEN for a user, also their own account, before looking at the body', async () => {
    for (const response of [
      await api.deposit(vpa, owner, '5.00'),
      await api.withdraw(vpa, owner, '5.00'),
      await api.deposit(vpa, stranger, 'not money'),
    ]) {
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('AUTH.FORBIDDEN');
    }
    expect((await api.account(vpa, owner)).body.balance).toBe('10.00');
  });

  it('lets only operators reconcile', async () => {
    expect((await api.reconciliation(owner)).status).toBe(403);
    expect(await api.reconciliation(operator)).toEqual({
      status: 200,
      body: {
        conserved: true,
        totalBalance: '10.00',
        totalDeposits: '10.00',
        totalWithdrawals: '0.00',
        totalHeld: '0.00',
        negativeAccounts: [],
        orphanHolds: [],
      },
    });
  });

  it('refuses every bad credential with 401, WWW-Authenticate: Bearer and a stable code, on every route', async () => {
    const routes: Array<[string, string, unknown]> = [
      ['GET', `/v1/ledger/accounts/${vpa}`, undefined],
      ['GET', `/v1/ledger/accounts/${vpa}/entries`, undefined],
      ['POST', `/v1/ledger/accounts/${vpa}/deposits`, { amount: '1.00', reference: 'x' }],
      ['POST', `/v1/ledger/accounts/${vpa}/withdrawals`, { amount: '1.00', reference: 'x' }],
      ['GET', '/v1/ledger/reconciliation', undefined],
    ];
    for (const [method, path, body] of routes) {
      for (const credential of credentials) {
        const response = await fetch(`${service.url}${path}`, {
          method,
          headers: { ...credential.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        expect({ path, credential: credential.name, ...(await refusal(response)) }).toEqual({
          path,
          credential: credential.name,
          status: 401,
          code: credential.code,
          challenge: expect.stringMatching(/^Bearer /),
        });
      }
    }
    expect((await api.account(vpa, owner)).body.balance).toBe('10.00');
  });

  it('lets anyone read health and the API documentation', async () => {
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${service.url}/docs`)).status).toBe(200);
  });
});
