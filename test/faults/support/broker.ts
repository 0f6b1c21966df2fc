import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../support/free-port';

const ROOT = resolve(__dirname, '../../..');
const SCRIPT = join(ROOT, 'scripts/kafka.mjs');
const run = promisify(execFile);

/**
 * A private single-node Kafka broker of one fault-suite file, on its own ports and data dir, that
 * can be killed with SIGKILL and started again on the same data and ports.
 *
 * It is driven through the scripts/kafka.mjs command line: a Jest test file cannot load that ES
 * module itself (see test/e2e/support/zipkin.ts). The CLI's broker is detached and outlives the
 * command, so this class adds the watchdog that stops it when this test process dies.
 */
export class TestBroker {
  private pid = 0;

  private constructor(
    readonly port: number,
    readonly controllerPort: number,
    readonly dataDir: string,
  ) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(): Promise<TestBroker> {
    const port = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    const broker = new TestBroker(port, controllerPort, mkdtempSync(join(tmpdir(), 'payments-faults-kafka-')));
    try {
      await broker.restart();
    } catch (error) {
      rmSync(broker.dataDir, { recursive: true, force: true });
      throw error;
    }
    return broker;
  }

  /** Starts the broker on its data dir and ports (again) and waits until it answers. */
  async restart(): Promise<void> {
    const out = await kafkaCli([
      'start',
      '--port',
      String(this.port),
      '--controller-port',
      String(this.controllerPort),
      '--data-dir',
      this.dataDir,
      '--timeout',
      '120',
    ]);
    const pid = Number(out.match(/\(pid (\d+)/)?.[1]);
    if (!pid) throw new Error(`cannot tell the broker's pid from: ${out}`);
    this.pid = pid;
    watchdog(process.pid, pid);
  }

  /** kill -9 of the broker's process group, as a crash would; resolves once it is gone. */
  async kill(): Promise<void> {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    const deadline = Date.now() + 15000;
    while (alive(this.pid) && Date.now() < deadline) await sleep(50);
    if (alive(this.pid)) throw new Error(`broker pid ${this.pid} survived SIGKILL`);
  }

  async stop(): Promise<void> {
    await kafkaCli(['stop', '--data-dir', this.dataDir]).catch(() => this.kill());
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  logTail(lines = 40): string {
    const file = join(this.dataDir, 'logs', 'server.log');
    if (!existsSync(file)) return '(no broker log)';
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  }
}

async function kafkaCli(args: string[]): Promise<string> {
  const env = { ...process.env };
  delete env.KAFKA_BROKERS; // when set, the CLI uses that cluster and starts nothing
  try {
    const { stdout } = await run(process.execPath, [SCRIPT, ...args, '--quiet'], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`node scripts/kafka.mjs ${args.join(' ')} failed: ${message}\n${stderr}${stdout}`, { cause: error });
  }
}

/** When `parentPid` is gone, SIGTERM (then SIGKILL) the broker's process group; ends with the broker. */
function watchdog(parentPid: number, brokerPid: number): void {
  const script = `
    while kill -0 ${parentPid} 2>/dev/null && kill -0 ${brokerPid} 2>/dev/null; do sleep 1; done
    if kill -0 ${brokerPid} 2>/dev/null; then
      kill -TERM -${brokerPid} 2>/dev/null
      i=0; while kill -0 ${brokerPid} 2>/dev/null && [ $i -lt 20 ]; do sleep 1; i=$((i+1)); done
      kill -KILL -${brokerPid} 2>/dev/null
    fi`;
  spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

/** In the process table and not a zombie. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
