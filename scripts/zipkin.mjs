#!/usr/bin/env node
// Runs a real Zipkin server (the trace viewer of `npm start` and of the tracing e2e tests) natively
// from its official executable jar on Maven Central, with in-memory storage. No Docker, no npm
// dependencies (node: built-ins only). Needs Java 17+ and Maven (`mvn`) on the PATH, like Kafka.
//
// CLI:
//   node scripts/zipkin.mjs start  [--port 9411] [--data-dir DIR] [--timeout SECONDS] [--quiet]
//                                  [--stop-with PID] [--json]   (--port 0 = a free port; --stop-with:
//                                  stop Zipkin when process PID exits; --json: print the handle as JSON)
//   node scripts/zipkin.mjs stop   [--data-dir DIR]
//   node scripts/zipkin.mjs status [--data-dir DIR]
//   node scripts/zipkin.mjs run    [same options as start]  (foreground: stops Zipkin on SIGINT/SIGTERM)
//   node scripts/zipkin.mjs resolve                          (only download the jar)
// The work is done in lib/ (zipkin-server.mjs for programs: start, stop, status).

import { COMMON_OPTIONS, commonOptions, parseCommandLine, reportStop, runForeground, runMain } from './lib/cli.mjs';
import { HOST } from './lib/ports.mjs';
import { DEFAULT_DATA_DIR, DEFAULT_PORT, ZIPKIN_JAR, ZIPKIN_VERSION, layout, resolveZipkinJar } from './lib/zipkin-config.mjs';
import { failureDetails, startZipkin, stopZipkin, zipkinStatus } from './lib/zipkin-server.mjs';

const OPTIONS = {
  ...COMMON_OPTIONS,
  'stop-with': { type: 'string' },
  json: { type: 'boolean' },
};

const describe = (z) => `${z.uiUrl} (pid ${z.pid ?? '?'}${z.rssMb ? `, RSS ${z.rssMb} MB` : ''}, logs ${z.logFile})`;

async function cli(argv) {
  const { cmd, values } = parseCommandLine(argv, OPTIONS);
  const opts = commonOptions(values);
  if (values['stop-with'] !== undefined) {
    opts.stopWithParent = true;
    opts.parentPid = Number(values['stop-with']);
    if (!(opts.parentPid > 0)) throw new Error('--stop-with needs a pid');
  }
  switch (cmd) {
    case 'start': {
      const z = await startZipkin(opts);
      if (values.json) {
        const { stop, ...handle } = z; // everything but the function
        console.log(JSON.stringify(handle));
        return 0;
      }
      if (z.external) console.log(`a Zipkin already answers at ${z.uiUrl} (not started by this script): using it`);
      else if (z.alreadyRunning) console.log(`Zipkin ${ZIPKIN_VERSION} already running at ${describe(z)}`);
      else console.log(`Zipkin ${ZIPKIN_VERSION} running at ${describe(z)}, started in ${(z.startupMs / 1000).toFixed(1)}s`);
      return 0;
    }
    case 'stop':
      return reportStop('Zipkin', await stopZipkin(opts));
    case 'status': {
      const st = await zipkinStatus(opts);
      if (!st.running) {
        console.log(`Zipkin is not running (data dir ${st.dataDir}).`);
        return 1;
      }
      console.log(`Zipkin ${ZIPKIN_VERSION} ${st.ready ? 'running' : 'running but NOT answering'} at ${describe(st)}`);
      return st.ready ? 0 : 1;
    }
    case 'run': {
      const z = await startZipkin({ ...opts, stopWithParent: true });
      const owned = !z.alreadyRunning;
      console.log(
        owned
          ? `Zipkin ${ZIPKIN_VERSION} running at ${describe(z)}. Ctrl-C to stop.`
          : `Zipkin already running at ${z.uiUrl}; not owned by this process, will not stop it.`,
      );
      return runForeground({
        name: 'Zipkin',
        label: 'Zipkin',
        handle: z,
        owned,
        watchPid: owned ? z.pid : undefined,
        failureDetails: () => failureDetails(layout(z.dataDir)),
      });
    }
    case 'resolve':
      console.log(await resolveZipkinJar(opts));
      return 0;
    default:
      console.log(`usage: node scripts/zipkin.mjs <start|stop|status|run|resolve> [--port N] [--data-dir DIR] [--timeout SECONDS] [--quiet]
  start also: [--stop-with PID] [--json]; --port 0 = a free port
  Zipkin ${ZIPKIN_VERSION} (in-memory storage, 127.0.0.1 only), jar cached at ${ZIPKIN_JAR}
  default: port ${DEFAULT_PORT}, data dir ${DEFAULT_DATA_DIR}; UI at http://${HOST}:<port>/zipkin/`);
      return cmd === 'help' ? 0 : 2;
  }
}

runMain('zipkin', cli);
