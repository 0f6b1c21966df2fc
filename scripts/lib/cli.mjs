// What the command lines of scripts/kafka.mjs and scripts/zipkin.mjs share: their common options,
// running a command to its exit code, and `run`, the foreground mode for a process runner.

import { parseArgs } from 'node:util';
import { pidAlive } from './processes.mjs';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The options both commands take (values are strings: see commonOptions for the conversion). */
export const COMMON_OPTIONS = {
  port: { type: 'string', short: 'p' },
  'data-dir': { type: 'string' },
  timeout: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
};

/**
 * `<command> [options]` → `{ cmd, values }`: `cmd` is 'help' for --help or when none is given;
 * `values` as node:util's parseArgs gives them.
 */
export function parseCommandLine(argv, options) {
  const config = { args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true };
  let parsed;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    if (err.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw err;
    // the short message these commands always gave, naming the argument as written
    const { tokens } = parseArgs({ ...config, strict: false, tokens: true });
    const unknown = tokens.find((t) => t.kind === 'option' && !(t.name in config.options));
    throw new Error(`unknown option ${argv[unknown.index]}`, { cause: err });
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new Error(`unknown option ${positionals[1]}`);
  return { cmd: values.help ? 'help' : (positionals[0] ?? 'help'), values };
}

/** The common options as startKafka/startZipkin take them. */
export function commonOptions(values) {
  const opts = {
    port: values.port === undefined ? undefined : Number(values.port),
    dataDir: values['data-dir'],
    timeoutMs: values.timeout === undefined ? undefined : Number(values.timeout) * 1000,
    quiet: values.quiet,
  };
  if (opts.port !== undefined && !Number.isInteger(opts.port)) throw new Error('--port must be a number');
  return opts;
}

/** Runs `cli(argv)` and exits with the code it resolves to; an error is printed as `[name] message` (exit 1). */
export function runMain(name, cli) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`[${name}] ${err.message}`);
      process.exit(1);
    },
  );
}

/** Prints what `stop` did (`{ stopped, pid?, wasRunning }` of stopByPidFile) and returns the exit code. */
export function reportStop(name, { stopped, pid, wasRunning }) {
  if (!wasRunning) console.log(`${name} is not running.`);
  else console.log(stopped ? `${name} stopped (pid ${pid}).` : `Failed to stop ${name} (pid ${pid}).`);
  return stopped ? 0 : 1;
}

/** Resolves at the first SIGINT, SIGTERM or SIGHUP. */
export function untilSignal() {
  return new Promise((resolveSignal) => {
    for (const s of SIGNALS) process.once(s, resolveSignal);
  });
}

/**
 * `run`: stays in the foreground beside a started JVM, for a process runner: on SIGINT, SIGTERM or
 * SIGHUP stops it (if `owned`, i.e. this run started it) and resolves to 0, or 1 if it did not stop;
 * resolves to 1 if `watchPid` dies on its own, so that the runner notices.
 *
 * @param {object} o
 * @param {string} o.name             e.g. 'Kafka', in the messages
 * @param {string} o.label            what died, e.g. 'Kafka broker'
 * @param {{pid?: number, stop: () => Promise<boolean>}} o.handle
 * @param {boolean} o.owned
 * @param {number} [o.watchPid]       the pid whose death ends the run
 * @param {() => string} o.failureDetails  the log tails to print when it died
 */
export function runForeground({ name, label, handle, owned, watchPid, failureDetails }) {
  return new Promise((resolveCode) => {
    let stopping = false;
    const watch = setInterval(() => {
      if (watchPid !== undefined && !pidAlive(watchPid)) {
        clearInterval(watch);
        console.error(`${label} (pid ${watchPid}) exited unexpectedly.\n${failureDetails()}`);
        resolveCode(1);
      }
    }, 1000);
    const onSignal = async (sig) => {
      if (stopping) return;
      stopping = true;
      clearInterval(watch);
      if (!owned) return resolveCode(0);
      console.log(`${sig}: stopping ${name} (pid ${handle.pid}) ...`);
      const ok = await handle.stop();
      console.log(ok ? `${name} stopped.` : `${name} did not stop.`);
      resolveCode(ok ? 0 : 1);
    };
    for (const s of SIGNALS) process.on(s, onSignal);
    // last resort if we exit for any other reason
    process.on('exit', () => {
      if (owned && !stopping && pidAlive(handle.pid)) {
        try {
          process.kill(-handle.pid, 'SIGTERM');
        } catch {
          /* gone */
        }
      }
    });
  });
}
