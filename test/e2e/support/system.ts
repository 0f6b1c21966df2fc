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
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '../../..');

/**
 * Runs the five services as separate processes from the build, as `npm start` does, against the
 * given environment, and waits until every one of them is ready.
 */
export async function startSystem(env: NodeJS.ProcessEnv): Promise<RunningSystem> {
  const logDir = mkdtempSync(join(tmpdir(), 'payments-e2e-'));
  const children: ChildProcess[] = [];
  const urls = {} as Record<ServiceName, string>;
  for (const service of SERVICES) {
    const main = join(ROOT, 'dist/apps', service, 'src/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does)`);
    const port = await freePort();
    urls[service] = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [main], {
      cwd: ROOT,
      env: { ...env, [`${service.toUpperCase()}_PORT`]: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(join(logDir, `${service}.log`));
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    children.push(child);
  }
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
            child.once('exit', () => {
              clearTimeout(timer);
              done();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    await eventually(
      async () => {
        for (const [index, service] of SERVICES.entries()) {
          const child = children[index];
          if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}; see ${logDir}/${service}.log`);
          const response = await fetch(`${urls[service]}/health/ready`).catch(() => undefined);
          if (response?.status !== 200) throw new Error(`${service} is not ready yet; see ${logDir}/${service}.log`);
        }
      },
      90000,
      250,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls, logDir, stop };
}
