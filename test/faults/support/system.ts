import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { testEnv } from '../../support/env';
import { freePort } from '../../support/free-port';
import { sleep, TestBroker } from './broker';
import { Identities } from './identities';

/**
 * The eight services; users issues the tokens every other one verifies; the ledger holds the money;
 * disputes follows every payment in its own projection and, resolving one for its payer, has
 * payments refund it.
 */
export const SERVICES = ['payments', 'fraud', 'notifications', 'inventory', 'analytics', 'users', 'ledger', 'disputes'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The operator of every fault system (OPERATOR_PHONES): the one who sets stock and reads the summary. */
const OPERATOR_PHONE = '+916000000001';

const ROOT = resolve(__dirname, '../../..');
/** The build the services run from; FAULTS_DIST_DIR points at another (e.g. a private build). */
const DIST = resolve(ROOT, process.env.FAULTS_DIST_DIR ?? 'dist');

interface Instance {
  service: ServiceName;
  instance: number;
  port: number;
  logFile: string;
  log?: WriteStream;
  child?: ChildProcess;
  exited?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  instance?: number;
  /** Extra environment for this start only (e.g. FAILPOINT). */
  env?: Record<string, string>;
  /** Wait until /health/ready answers 200 (default true). */
  ready?: boolean;
}

/**
 * The eight services as processes from the build, on a private broker, database and topic prefix,
 * each instance under the test's control: kill it (SIGKILL or SIGTERM), start it again (on the same
 * port), run a second instance of a service (same environment, so the same consumer group). Every
 * service trusts the tokens of this system's users service (AUTH_ISSUER, AUTH_JWKS_URL on its port,
 * its signing key kept in a file that outlives its restarts); `identities` makes users through it.
 */
export class FaultSystem {
  private readonly instances = new Map<string, Instance>();
  readonly db: Pool;
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** The users, payers and operator of this system, made through its users service. */
  readonly identities: Identities;
  /** Set when a check failed: the logs are kept for a look. */
  failed = false;

  private constructor(
    readonly name: string,
    readonly env: NodeJS.ProcessEnv,
    readonly broker: TestBroker,
    readonly logDir: string,
  ) {
    this.identities = new Identities(() => this.url('users'), OPERATOR_PHONE);
    this.db = new Pool({ connectionString: env.DATABASE_URL, max: 4 });
    // An idle client the server dropped (e.g. PostgreSQL restarted) is replaced by the pool; a query that fails still fails.
    this.db.on('error', () => undefined);
    this.kafka = new Kafka({ clientId: `faults-${name}`, brokers: [broker.brokers], logLevel: logLevel.NOTHING, retry: { retries: 10 } });
    this.admin = this.kafka.admin();
  }

  /** Starts a broker and the eight services (one instance each), ready. */
  static async start(name: string, extra: Record<string, string> = {}): Promise<FaultSystem> {
    for (const service of SERVICES) {
      const main = join(DIST, 'apps', service, 'src/main.js');
      if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm run test:faults does)`);
    }
    const broker = await TestBroker.start();
    const logDir = mkdtempSync(join(tmpdir(), `payments-faults-${name}-`));
    // The issuer's address is known before any service starts: users keeps its port across restarts.
    const usersPort = await freePort();
    const issuer = `http://127.0.0.1:${usersPort}`;
    const env = testEnv(name, {
      KAFKA_BROKERS: broker.brokers,
      LOG_LEVEL: 'info',
      // Spans are made (context goes through the outbox) but not exported: no trace viewer here.
      OTEL_TRACES_EXPORTER: 'none',
      AUTH_ISSUER: issuer,
      AUTH_JWKS_URL: `${issuer}/.well-known/jwks.json`,
      // Made by users the first time and read again after each restart: its tokens stay valid.
      AUTH_KEY_FILE: join(logDir, 'users-signing-key.json'),
      // Long enough for every scenario of a file: the streams use the tokens got before them.
      AUTH_TOKEN_TTL_S: '14400',
      OPERATOR_PHONES: OPERATOR_PHONE,
      // scrypt's cheapest cost the service accepts: the suite signs up hundreds of payers.
      PASSWORD_SCRYPT_LOG_N: '10',
      // One client address and payers paying once each: the limits must not throttle the streams.
      RATE_LIMIT_PER_MIN: '1000000',
      RATE_LIMIT_PAYMENTS_PER_MIN: '1000000',
      ...extra,
    });
    const system = new FaultSystem(name, env, broker, logDir);
    system.instances.set(key('users', 0), { service: 'users', instance: 0, port: usersPort, logFile: join(logDir, 'users-0.log') });
    try {
      await system.admin.connect();
      // All at once: creating the database and the topics tolerates a concurrent creator.
      await Promise.all(SERVICES.map((s) => system.start(s)));
    } catch (error) {
      system.failed = true;
      await system.stop();
      throw error;
    }
    return system;
  }

  url(service: ServiceName, instance = 0): string {
    const found = this.instances.get(key(service, instance));
    if (!found) throw new Error(`${service}#${instance} was never started`);
    return `http://127.0.0.1:${found.port}`;
  }

  isRunning(service: ServiceName, instance = 0): boolean {
    const found = this.instances.get(key(service, instance));
    return !!found?.child && found.child.exitCode === null && found.child.signalCode === null;
  }

  /** Starts an instance (again, on the port it had), and by default waits until it is ready. */
  async start(service: ServiceName, { instance = 0, env = {}, ready = true }: StartOptions = {}): Promise<void> {
    if (this.isRunning(service, instance)) throw new Error(`${service}#${instance} is already running`);
    let found = this.instances.get(key(service, instance));
    if (!found) {
      found = { service, instance, port: await freePort(), logFile: join(this.logDir, `${service}-${instance}.log`) };
      this.instances.set(key(service, instance), found);
    }
    found.log ??= createWriteStream(found.logFile, { flags: 'a' });
    found.log.write(`\n===== ${new Date().toISOString()} start ${service}#${instance} ${JSON.stringify(env)} =====\n`);
    const child = spawn(process.execPath, [join(DIST, 'apps', service, 'src/main.js')], {
      cwd: ROOT,
      env: { ...this.env, ...env, [`${service.toUpperCase()}_PORT`]: String(found.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(found.log, { end: false });
    child.stderr.pipe(found.log, { end: false });
    found.child = child;
    LIVE.add(child);
    child.once('exit', () => LIVE.delete(child));
    found.exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
    if (ready) await this.waitReady(service, instance);
  }

  async waitReady(service: ServiceName, instance = 0, timeoutMs = 120000): Promise<void> {
    const found = this.instances.get(key(service, instance))!;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.isRunning(service, instance)) {
        throw new Error(
          `${service}#${instance} exited (${found.child?.exitCode ?? found.child?.signalCode}) before it was ready\n${this.tail(service, instance)}`,
        );
      }
      const response = await fetch(`${this.url(service, instance)}/health/ready`, { signal: AbortSignal.timeout(3000) }).catch(
        () => undefined,
      );
      if (response?.status === 200) return;
      if (Date.now() > deadline) throw new Error(`${service}#${instance} not ready after ${timeoutMs} ms\n${this.tail(service, instance)}`);
      await sleep(250);
    }
  }

  /**
   * Sends the signal and resolves once the process is gone. A SIGTERM stop is bounded: after 30 s
   * the process is killed (`forced`).
   */
  async kill(service: ServiceName, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL', instance = 0) {
    const found = this.instances.get(key(service, instance));
    if (!found?.child || !this.isRunning(service, instance)) throw new Error(`${service}#${instance} is not running`);
    found.log?.write(`\n===== ${new Date().toISOString()} ${signal} ${service}#${instance} =====\n`);
    found.child.kill(signal);
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      found.child?.kill('SIGKILL');
    }, 30000);
    const exit = await found.exited!;
    clearTimeout(timer);
    return { ...exit, forced };
  }

  /** Resolves when the instance exits by itself (e.g. at a failpoint), or rejects after the time. */
  async exited(service: ServiceName, instance = 0, timeoutMs = 60000) {
    const found = this.instances.get(key(service, instance))!;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${service}#${instance} still running after ${timeoutMs} ms\n${this.tail(service, instance)}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([found.exited!, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  tail(service: ServiceName, instance = 0, lines = 40): string {
    const found = this.instances.get(key(service, instance));
    if (!found || !existsSync(found.logFile)) return `(no log for ${service}#${instance})`;
    const text = readFileSync(found.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    return `--- tail of ${found.logFile} ---\n${text}`;
  }

  /** The tails of every instance's log and the broker's, for a failure message. */
  tails(lines = 25): string {
    const all = [...this.instances.values()].map((i) => this.tail(i.service, i.instance, lines));
    return [...all, `--- tail of the broker's server.log ---\n${this.broker.logTail(lines)}`].join('\n');
  }

  /** All instances (SIGTERM, SIGKILL after 15 s), then the broker; the database is the run's teardown's. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.instances.values()].map(async (i) => {
        if (!i.child || i.child.exitCode !== null || i.child.signalCode !== null) return;
        const timer = setTimeout(() => i.child?.kill('SIGKILL'), 15000);
        i.child.kill('SIGTERM');
        await i.exited;
        clearTimeout(timer);
      }),
    );
    for (const i of this.instances.values()) i.log?.end();
    await this.admin.disconnect().catch(() => undefined);
    await this.db.end().catch(() => undefined);
    await this.broker.stop();
    if (this.failed) console.log(`[faults] ${this.name}: the services' logs are kept in ${this.logDir}`);
    else rmSync(this.logDir, { recursive: true, force: true });
  }
}

/** Last resort: whatever this process started goes with it, even when a test never reaches its afterAll. */
const LIVE = new Set<ChildProcess>();
process.once('exit', () => LIVE.forEach((child) => child.kill('SIGKILL')));

function key(service: ServiceName, instance: number): string {
  return `${service}#${instance}`;
}
