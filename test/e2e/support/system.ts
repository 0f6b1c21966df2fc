import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually } from '../../support/eventually';
import { freePort } from '../../support/free-port';

export const SERVICES = ['payments', 'fraud', 'notifications', 'inventory', 'analytics'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface RunningSystem {
  urls: Record<ServiceName, string>;
  logDir: string;
  /** Stops one service with SIGTERM and waits until it has exited. */
  stopService(service: ServiceName): Promise<void>;
  /** Starts a stopped service again, on the same port and environment, and waits until it is ready. */
  startService(service: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '../../..');

/**
 * Runs the five services as separate processes from the build, as `npm start` does, against the
 * given environment, and waits until every one of them is ready.
 */
export async function startSystem(env: NodeJS.ProcessEnv): Promise<RunningSystem> {
  const logDir = mkdtempSync(join(tmpdir(), 'payments-e2e-'));
  const children = new Map<ServiceName, ChildProcess>();
  const urls = {} as Record<ServiceName, string>;
  const ports = {} as Record<ServiceName, number>;

  const spawnService = (service: ServiceName) => {
    const main = join(ROOT, 'dist/apps', service, 'src/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does)`);
    const child = spawn(process.execPath, [main], {
      cwd: ROOT,
      env: { ...env, [`${service.toUpperCase()}_PORT`]: String(ports[service]), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(join(logDir, `${service}.log`), { flags: 'a' });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    children.set(service, child);
  };

  const waitReady = (services: readonly ServiceName[]) =>
    eventually(
      async () => {
        for (const service of services) {
          const child = children.get(service)!;
          if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}; see ${logDir}/${service}.log`);
          const response = await fetch(`${urls[service]}/health/ready`).catch(() => undefined);
          if (response?.status !== 200) throw new Error(`${service} is not ready yet; see ${logDir}/${service}.log`);
        }
      },
      90000,
      250,
    );

  const stopService = (service: ServiceName) =>
    new Promise<void>((done) => {
      const child = children.get(service);
      if (!child || child.exitCode !== null || child.signalCode !== null) return done();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      child.kill('SIGTERM');
    });

  const stop = async () => {
    await Promise.all(SERVICES.map(stopService));
  };

  try {
    for (const service of SERVICES) {
      ports[service] = await freePort();
      urls[service] = `http://127.0.0.1:${ports[service]}`;
      spawnService(service);
    }
    await waitReady(SERVICES);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls,
    logDir,
    stopService,
    startService: async (service) => {
      spawnService(service);
      await waitReady([service]);
    },
    stop,
  };
}
