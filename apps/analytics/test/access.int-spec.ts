import { testEnv } from '../../../test/support/env';
import { newOperator, newUser, TestUser } from '../../../test/support/identity';
import { refusal, RefusedCredential, refusedCredentials } from '../../../test/support/refused-tokens';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { AnalyticsModule } from '../src/analytics.module';
import { loadConfig } from '../src/config';

// Who may read the summary (shared/spec/access.md): operators only.
const env = testEnv('analytics_access');
let service: RunningService;
let operator: TestUser;
let user: TestUser;
let credentials: RefusedCredential[];

const summary = (headers: Record<string, string>, query = '') =>
  fetch(`${service.url}/v1/analytics/summary${query ? `?${query}` : ''}`, { headers });

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Analytics', description: '', module: AnalyticsModule.forRoot(config) });
  [operator, user, credentials] = await Promise.all([newOperator(), newUser(), refusedCredentials()]);
});

afterAll(async () => {
  await service?.close();
});

describe('who may read the analytics summary', () => {
  it('refuses every bad credential with 401, WWW-Authenticate: Bearer and a stable code', async () => {
    for (const credential of credentials) {
      expect({ credential: credential.name, ...(await refusal(await summary(credential.headers))) }).toEqual({
        credential: credential.name,
        status: 401,
        code: credential.code,
        challenge: expect.stringMatching(/^Bearer /),
      });
    }
  });

  it('refuses a user with 403 AUTH.FORBIDDEN, with or without a window, and before looking at the query', async () => {
    for (const query of ['', 'from=2031-03-01T00:00:00Z&to=2031-03-02T00:00:00Z', 'from=yesterday']) {
      const response = await summary(user.headers, query);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    }
    expect((await summary(operator.headers, 'from=yesterday')).status).toBe(400);
  });

  it('answers an operator', async () => {
    const response = await summary(operator.headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ initiated: expect.any(Number), succeeded: expect.any(Number) });
  });

  it('lets anyone read health and the API documentation', async () => {
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${service.url}/docs`)).status).toBe(200);
  });
});
