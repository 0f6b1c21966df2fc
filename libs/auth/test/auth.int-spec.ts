import { Controller, Get, Module } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DomainEvent, Topics } from '@app/contracts';
import { AUTH_MIGRATIONS, AuthModule, Caller, CurrentUser, OPERATOR, Roles } from '@app/auth';
import { MESSAGING_MIGRATIONS, MessagingModule } from '@app/messaging';
import { BaseEnvSchema, parseEnv, PlatformModule, Public, serviceConfig } from '@app/platform';
import { testEnv } from '../../../test/support/env';
import { eventually } from '../../../test/support/eventually';
import { bearer, deregister, newOperator, newUser, tokenFor } from '../../../test/support/identity';
import { TestKafka } from '../../../test/support/kafka';
import { RunningService, startServiceApp } from '../../../test/support/service-app';

@Controller('probe')
class ProbeController {
  @Public()
  @Get('public')
  open() {
    return { ok: true };
  }

  @Get('mine')
  mine(@CurrentUser() caller: Caller) {
    return caller;
  }

  @Roles(OPERATOR)
  @Get('operators')
  operators(@CurrentUser() caller: Caller) {
    return { userId: caller.userId };
  }
}

function probeService(name: string, extra: Record<string, string> = {}): Promise<RunningService> {
  const env = testEnv(name, extra);
  const config = serviceConfig('probe', 0, parseEnv(BaseEnvSchema, env));
  @Module({
    imports: [
      PlatformModule.forRoot({ config, migrations: [...MESSAGING_MIGRATIONS, ...AUTH_MIGRATIONS] }),
      MessagingModule.forRoot({ config }),
      AuthModule.forRoot(config),
    ],
    controllers: [ProbeController],
  })
  class ProbeModule {}
  return startServiceApp({ config, title: 'probe', description: '', module: ProbeModule });
}

const get = (service: RunningService, path: string, headers: Record<string, string> = {}) => fetch(`${service.url}${path}`, { headers });

describe('authentication in a service (libs/auth)', () => {
  const kafka = new TestKafka(testEnv('auth'));
  let service: RunningService;

  beforeAll(async () => {
    service = await probeService('auth');
  });
  afterAll(async () => {
    await service?.close();
    await kafka.close();
  });

  it('lets anyone call a public route, and health', async () => {
    expect((await get(service, '/probe/public')).status).toBe(200);
    expect((await get(service, '/health/live')).status).toBe(200);
  });

  it('refuses a request without a token with 401, WWW-Authenticate: Bearer and a stable code', async () => {
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer' }] as Array<Record<string, string>>) {
      const response = await get(service, '/probe/mine', headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await response.json()).toMatchObject({ code: 'AUTH.TOKEN_MISSING' });
    }
  });

  it('refuses an expired token, another audience and a garbled one with 401 AUTH.TOKEN_INVALID', async () => {
    const user = await newUser();
    for (const token of [
      await tokenFor(user.userId, { expiresIn: -120 }),
      await tokenFor(user.userId, { audience: 'another-api' }),
      `${user.token.slice(0, -4)}AAAA`,
    ]) {
      const response = await get(service, '/probe/mine', bearer(token));
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    }
  });

  it('gives the route its verified caller', async () => {
    const user = await newUser();
    const response = await get(service, '/probe/mine', user.headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ userId: user.userId, roles: [], isOperator: false });
  });

  it('lets only operators use an operator route: 403 AUTH.FORBIDDEN for anyone else', async () => {
    const user = await newUser();
    const refused = await get(service, '/probe/operators', user.headers);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    const operator = await newOperator();
    const allowed = await get(service, '/probe/operators', operator.headers);
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ userId: operator.userId });
  });

  it("audits an operator's request: who, which route and resource, the answer, from where", async () => {
    const operator = await newOperator();
    await get(service, '/probe/operators?x=1', operator.headers);
    const audited = (await kafka.read(Topics.OperatorActions, (messages) => messages.some((m) => m.key === operator.userId)))
      .filter((m) => m.key === operator.userId)
      .map((m) => JSON.parse(m.value!) as DomainEvent<'OperatorActed'>);
    expect(audited).toEqual([
      expect.objectContaining({
        type: 'OperatorActed',
        userId: operator.userId,
        payload: {
          service: 'probe',
          action: 'GET /probe/operators',
          resource: '/probe/operators?x=1',
          status: 200,
          origin: '127.0.0.1',
          actedAt: expect.any(String),
        },
      }),
    ]);
  });

  it('refuses the still-valid token of a user once it learns the user was de-registered', async () => {
    const user = await newUser();
    const bystander = await newUser();
    expect((await get(service, '/probe/mine', user.headers)).status).toBe(200);
    await deregister(kafka, user.userId, ['gone@okbank']);
    await eventually(async () => {
      const response = await get(service, '/probe/mine', user.headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    });
    expect((await get(service, '/probe/mine', bystander.headers)).status).toBe(200);
  });
});

/** An independent identity provider: its own key pair and JWKS, as Keycloak or Auth0 would serve. */
async function anotherProvider() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' }] });
  const server: Server = createServer((_request, response) => response.end(jwks));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = 'https://idp.example.test/realms/upi';
  return {
    issuer,
    jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
    token: (subject: string, roles: string[]) =>
      new SignJWT({ realm_access: { roles } })
        .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
        .setIssuer(issuer)
        .setAudience('upi-payments')
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('another identity provider (AUTH_ISSUER, AUTH_JWKS_URL, AUTH_ROLES_CLAIM)', () => {
  let provider: Awaited<ReturnType<typeof anotherProvider>>;
  let configured: RunningService;
  let unconfigured: RunningService;

  beforeAll(async () => {
    provider = await anotherProvider();
    configured = await probeService('auth_idp', {
      AUTH_ISSUER: provider.issuer,
      AUTH_JWKS_URL: provider.jwksUrl,
      AUTH_ROLES_CLAIM: 'realm_access.roles',
    });
    unconfigured = await probeService('auth_default');
  });
  afterAll(async () => {
    await configured?.close();
    await unconfigured?.close();
    await provider?.stop();
  });

  it("accepts the provider's tokens when configured, roles from its claim", async () => {
    const token = await provider.token('f:3c1a:alice', [OPERATOR]);
    const mine = await get(configured, '/probe/mine', bearer(token));
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ roles: [OPERATOR], isOperator: true });
    expect((await get(configured, '/probe/operators', bearer(token))).status).toBe(200);
  });

  it("refuses the provider's tokens where it is not configured, and the run's own tokens where it is", async () => {
    const response = await get(unconfigured, '/probe/mine', bearer(await provider.token('f:3c1a:alice', [])));
    expect(response.status).toBe(401);
    expect((await get(configured, '/probe/mine', (await newUser()).headers)).status).toBe(401);
  });
});
