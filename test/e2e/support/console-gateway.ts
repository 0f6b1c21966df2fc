import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { eventually } from '../../support/eventually';
import { freePort } from '../../support/free-port';
import { ALL_SERVICES, RunningSystem } from './system';

const ROOT = resolve(__dirname, '../../..');

export interface ConsoleGateway {
  url: string;
  stop(): Promise<void>;
}

/**
 * The gateway in front of a running system, for the console's test: the system's own when it
 * runs one (it gets the test's environment, ZIPKIN_URL included), otherwise one started here from
 * the build with every service's URL and the users service's token settings.
 */
export async function consoleGateway(system: RunningSystem, env: NodeJS.ProcessEnv): Promise<ConsoleGateway> {
  const own = (system.urls as Record<string, string>).gateway;
  if (own) return { url: own, stop: () => Promise.resolve() };

  const main = join(ROOT, 'dist/apps/gateway/src/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does)`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const upstreams = Object.fromEntries(ALL_SERVICES.map((service) => [`${service.toUpperCase()}_URLS`, system.urls[service]]));
  const child: ChildProcess = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      ...env,
      ...upstreams,
      AUTH_ISSUER: system.auth.issuer,
      AUTH_AUDIENCE: system.auth.audience,
      AUTH_JWKS_URL: `${system.urls.users}/.well-known/jwks.json`,
      GATEWAY_PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(system.logDir, 'gateway.log'), { flags: 'a' });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      child.kill('SIGTERM');
    });
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}; see ${system.logDir}/gateway.log`);
        const response = await fetch(`${url}/health/ready`).catch(() => undefined);
        if (response?.status !== 200) throw new Error(`the gateway is not ready yet; see ${system.logDir}/gateway.log`);
      },
      60000,
      250,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
