// Preloaded into every service process by `npm run bench -- --profile` (node -r): samples the CPU
// from start to exit and writes <BENCH_PROFILE_DIR>/<name>-<pid>.cpuprofile, to open in Chrome
// DevTools (Performance tab) or https://www.speedscope.app. Unlike `node --cpu-prof`, it also
// writes the profile when the process is ended by SIGTERM, as the harness ends the services.
'use strict';
const fs = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');

const dir = process.env.BENCH_PROFILE_DIR;
const name = process.env.BENCH_PROFILE_NAME || 'process';
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 }); // µs
session.post('Profiler.start');

let written = false;
function write() {
  if (written) return;
  written = true;
  // a main-thread session answers synchronously, so this completes even inside a signal handler
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  // Writes, then steps aside: the process's own handler (or the default action) does the rest,
  // including a signal the process raises again at itself after shutting down (as Nest does).
  const onSignal = () => {
    process.removeListener(signal, onSignal);
    write();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.prependListener(signal, onSignal);
}
process.on('exit', write);
