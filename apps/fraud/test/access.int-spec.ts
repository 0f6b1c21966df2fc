import { randomUUID } from 'node:crypto';
import { PayloadOf } from '@app/contracts';
import { testEnv } from '../../../test/support/env';
import { eventually } from '../../../test/support/eventually';
import { newOperator, newUser, TestUser } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { refusal, RefusedCredential, refusedCredentials } from '../../../test/support/refused-tokens';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { FraudModule } from '../src/fraud.module';

// Who may read fraud assessments (shared/spec/access.md): operators only.
const env = testEnv('fraud_access');
const kafka = new TestKafka(env);
let service: RunningService;
let operator: TestUser;
let credentials: RefusedCredential[];
let assessed: string;

const assessment = (paymentId: string, headers: Record<string, string>) =>
  fetch(`${service.url}/v1/fraud/assessments/${paymentId}`, { headers });

const initiated = (payerUserId: string | null): PayloadOf<'PaymentInitiated'> => ({
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise: 12_550,
  currency: 'INR',
  items: [],
  createdAt: new Date().toISOString(),
  payerUserId,
  payeeUserId: null,
});

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Fraud', description: '', module: FraudModule.forRoot(config) });
  [operator, credentials] = await Promise.all([newOperator(), refusedCredentials()]);
  assessed = randomUUID();
  await kafka.publish('PaymentInitiated', assessed, initiated(null));
  await eventually(async () => expect((await assessment(assessed, operator.headers)).status).toBe(200));
});

afterAll(async () => {
  await service?.close();
  await kafka.close();
});

describe('who may read fraud assessments', () => {
  it('refuses every bad credential with 401, WWW-Authenticate: Bearer and a stable code', async () => {
    for (const credential of credentials) {
      expect({ credential: credential.name, ...(await refusal(await assessment(assessed, credential.headers))) }).toEqual({
        credential: credential.name,
        status: 401,
        code: credential.code,
        challenge: expect.stringMatching(/^Bearer /),
      });
    }
  });

  it('refuses a user with 403 AUTH.FORBIDDEN, even for their own payment, and for one not assessed alike', async () => {
    const user = await newUser();
    const theirs = randomUUID();
    await kafka.publish('PaymentInitiated', theirs, initiated(user.userId));
    await eventually(async () => expect((await assessment(theirs, operator.headers)).status).toBe(200));
    for (const paymentId of [theirs, assessed, randomUUID()]) {
      const response = await assessment(paymentId, user.headers);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    }
  });

  it('answers an operator', async () => {
    const response = await assessment(assessed, operator.headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ paymentId: assessed, decision: 'APPROVED' });
    expect((await assessment(randomUUID(), operator.headers)).status).toBe(404);
  });

  it('lets anyone read health and the API documentation', async () => {
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${service.url}/docs`)).status).toBe(200);
  });
});
