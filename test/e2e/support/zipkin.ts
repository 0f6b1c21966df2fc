import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** A private Zipkin of a test run (see scripts/zipkin.mjs). */
export interface TestZipkin {
  /** e.g. http://127.0.0.1:41234 (the UI is at `${url}/zipkin/`) */
  url: string;
  /** where services export to: OTEL_EXPORTER_ZIPKIN_ENDPOINT */
  spansEndpoint: string;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '../../..');
const SCRIPT = join(ROOT, 'scripts/zipkin.mjs');
const run = promisify(execFile);

/**
 * Runs scripts/zipkin.mjs as a command. A Jest test file cannot load that ES module itself: ts-jest
 * compiles to CommonJS, so `import()` becomes Jest's `require`, which cannot load ESM, and the
 * `new Function('return import(...)')` escape is refused by Jest's sandbox ("A dynamic import
 * callback was invoked without --experimental-vm-modules"); `createRequire` is Jest's too.
 */
async function zipkinCli(args: string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [SCRIPT, ...args, '--quiet'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`node scripts/zipkin.mjs ${args.join(' ')} failed: ${message}\n${stderr}${stdout}`, { cause: error });
  }
}

/**
 * Starts a Zipkin of its own for this test file, on a free port, with its pid file and log in a
 * temporary directory. It goes away with the test process even if that is killed (its watchdog
 * watches this process).
 */
export async function startTestZipkin(): Promise<TestZipkin> {
  const dataDir = mkdtempSync(join(tmpdir(), 'payments-test-zipkin-'));
  try {
    const stdout = await zipkinCli(['start', '--port', '0', '--data-dir', dataDir, '--stop-with', String(process.pid), '--json']);
    const zipkin = JSON.parse(stdout.trim().split('\n').pop()!) as { url: string; spansEndpoint: string };
    return {
      url: zipkin.url,
      spansEndpoint: zipkin.spansEndpoint,
      stop: async () => {
        await zipkinCli(['stop', '--data-dir', dataDir]);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true }); // the error carries the tail of Zipkin's log
    throw error;
  }
}

/** The spans of a trace, as Zipkin's v2 JSON (an empty array while Zipkin does not know the trace). */
export async function fetchTrace(url: string, traceId: string): Promise<unknown[]> {
  const response = await fetch(`${url}/api/v2/trace/${traceId}`);
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`GET ${url}/api/v2/trace/${traceId}: ${response.status} ${await response.text()}`);
  return (await response.json()) as unknown[];
}
