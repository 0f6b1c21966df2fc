import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exportJWK, generateKeyPair, JWK } from 'jose';
import { eventually } from '../../support/eventually';
import { freePort } from '../../support/free-port';

/** The services of the payment flow (payments.md, money.md); each of them verifies the users service's tokens. */
export const SERVICES = ['payments', 'fraud', 'notifications', 'inventory', 'analytics', 'ledger'] as const;
export type ServiceName = (typeof SERVICES)[number];
/**
 * Every service the system runs: the users service (access.md), the payment flow, and disputes
 * (disputes.md), which follows every payment in its own projection but takes no part in its flow.
 */
export const ALL_SERVICES = ['users', ...SERVICES, 'disputes'] as const;
export type AnyService = (typeof ALL_SERVICES)[number];

/**
 * Phones that hold the operator role from registration on (OPERATOR_PHONES): never another user's
 * (see uniquePhone), each registered at most once in a system.
 */
export const OPERATOR_PHONES = Array.from({ length: 8 }, (_, i) => `+91600000000${i}`);
/** How long the users service refuses sign-ins for a phone after 5 failures (LOGIN_THROTTLE_S). */
export const LOGIN_THROTTLE_S = 10;

/** How many instances of each service beyond the first the gateway knows of from the start (see addInstance). */
export const EXTRA_INSTANCES = 2;

export interface RunningSystem {
  /** Each service's first instance, and the gateway in front of all of them. */
  urls: Record<AnyService | 'gateway', string>;
  logDir: string;
  /** The users service's token settings: its issuer and audience, and its signing key (a JWK with `kid`). */
  auth: { issuer: string; audience: string; privateJwk: JWK };
  /** Stops one service with SIGTERM and waits until it has exited. */
  stopService(service: AnyService): Promise<void>;
  /** Starts a stopped service again, on the same port and environment, and waits until it is ready. */
  startService(service: AnyService): Promise<void>;
  /**
   * Starts one more instance of a service (same environment and consumer group, a port of its own);
   * waits until it is ready. The first EXTRA_INSTANCES of each service get ports the gateway has
   * known from the start (it takes them into rotation once their health check passes); further
   * ones are reachable only directly.
   */
  addInstance(service: AnyService): Promise<string>;
  /** Kills an instance at once (SIGKILL: no shutdown at all) and waits until it is gone: 0 the first, n the n-th added. */
  killService(service: AnyService, instance?: number): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '../../..');

/**
 * The environment every service gets on top of the test's: tokens are the users service's (its
 * issuer and JWKS, not the test run's own issuer of the integration tests), and a user's payments
 * are not limited (the limit has tests of its own; testEnv lifts the one per address).
 */
function systemEnv(usersUrl: string, audience: string) {
  return {
    AUTH_ISSUER: usersUrl,
    AUTH_AUDIENCE: audience,
    AUTH_JWKS_URL: `${usersUrl}/.well-known/jwks.json`,
    RATE_LIMIT_PAYMENTS_PER_MIN: '1000000',
    // Behind the gateway (on this machine) a service counts its limits on the client's address.
    TRUST_PROXY: 'loopback',
  };
}

/** The gateway's upstreams: each service's first instance and the ports kept for the instances addInstance adds. */
function gatewayEnv(ports: Record<AnyService, number>, reserved: Record<AnyService, number[]>): Record<string, string> {
  return Object.fromEntries(
    ALL_SERVICES.map((service) => [
      `${service.toUpperCase()}_URLS`,
      [ports[service], ...reserved[service]].map((port) => `http://127.0.0.1:${port}`).join(','),
    ]),
  );
}

/** The users service's own settings: a signing key the test knows, operators, token lifetime, a short login throttle. */
function usersEnv(privateJwk: JWK): Record<string, string> {
  return {
    AUTH_PRIVATE_KEY: JSON.stringify(privateJwk),
    AUTH_TOKEN_TTL_S: '3600',
    OPERATOR_PHONES: OPERATOR_PHONES.join(','),
    LOGIN_THROTTLE_S: String(LOGIN_THROTTLE_S),
    // The cheapest scrypt the service allows: the tests register many users on a small machine.
    PASSWORD_SCRYPT_LOG_N: '10',
  };
}

/**
 * Runs the eight services as separate processes from the build, as `npm start` does, against the
 * given environment, and waits until every one of them is ready; then the gateway in front of them. The users service signs tokens
 * with a key made here (AUTH_PRIVATE_KEY), so that tests can also make tokens that it would never
 * issue (expired, for another audience); every other service verifies them from its JWKS.
 */
export async function startSystem(env: NodeJS.ProcessEnv): Promise<RunningSystem> {
  const logDir = mkdtempSync(join(tmpdir(), 'payments-e2e-'));
  const children = new Map<AnyService | 'gateway', ChildProcess>();
  const urls = {} as Record<AnyService | 'gateway', string>;
  const ports = {} as Record<AnyService | 'gateway', number>;
  const reserved = {} as Record<AnyService, number[]>;
  for (const service of [...ALL_SERVICES, 'gateway'] as const) {
    ports[service] = await freePort();
    urls[service] = `http://127.0.0.1:${ports[service]}`;
  }
  for (const service of ALL_SERVICES) reserved[service] = await Promise.all(Array.from({ length: EXTRA_INSTANCES }, () => freePort()));
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid: `e2e-${Date.now().toString(36)}`, alg: 'EdDSA' };
  const auth = { issuer: urls.users, audience: 'upi-payments', privateJwk };
  const shared = { ...env, ...systemEnv(auth.issuer, auth.audience) };

  const extras: Array<{ service: AnyService; child: ChildProcess }> = [];
  const spawnService = (service: AnyService | 'gateway', port = ports[service], logName: string = service) => {
    const main = join(ROOT, 'dist/apps', service, 'src/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does)`);
    const child = spawn(process.execPath, [main], {
      cwd: ROOT,
      env: {
        ...shared,
        ...(service === 'users' ? usersEnv(privateJwk) : {}),
        ...(service === 'gateway' ? gatewayEnv(ports, reserved) : {}),
        [`${service.toUpperCase()}_PORT`]: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(join(logDir, `${logName}.log`), { flags: 'a' });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    return child;
  };

  const waitUntilReady = (instances: Array<{ name: string; child: ChildProcess; url: string }>) =>
    eventually(
      async () => {
        for (const { name, child, url } of instances) {
          if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logDir}/${name}.log`);
          const response = await fetch(`${url}/health/ready`).catch(() => undefined);
          if (response?.status !== 200) throw new Error(`${name} is not ready yet; see ${logDir}/${name}.log`);
        }
      },
      90000,
      250,
    );
  const waitReady = (services: ReadonlyArray<AnyService | 'gateway'>) =>
    waitUntilReady(services.map((service) => ({ name: service, child: children.get(service)!, url: urls[service] })));

  const stopChild = (child: ChildProcess | undefined) =>
    new Promise<void>((done) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return done();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      child.kill('SIGTERM');
    });

  const stopService = (service: AnyService | 'gateway') => stopChild(children.get(service));

  const stop = async () => {
    await stopService('gateway');
    await Promise.all([...ALL_SERVICES.map(stopService), ...extras.map(({ child }) => stopChild(child))]);
  };

  try {
    for (const service of ALL_SERVICES) children.set(service, spawnService(service));
    await waitReady(ALL_SERVICES);
    children.set('gateway', spawnService('gateway'));
    await waitReady(['gateway']);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls,
    logDir,
    auth,
    stopService,
    startService: async (service) => {
      children.set(service, spawnService(service));
      await waitReady([service]);
    },
    addInstance: async (service) => {
      const added = extras.filter((extra) => extra.service === service).length;
      const port = reserved[service][added] ?? (await freePort());
      const name = `${service}-${extras.length + 2}`;
      const child = spawnService(service, port, name);
      extras.push({ service, child });
      const url = `http://127.0.0.1:${port}`;
      await waitUntilReady([{ name, child, url }]);
      return url;
    },
    killService: async (service, instance = 0) => {
      const child = instance === 0 ? children.get(service) : extras.filter((extra) => extra.service === service)[instance - 1]?.child;
      if (!child) throw new Error(`${service} has no instance ${instance}`);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGKILL');
      await exited;
    },
    stop,
  };
}
