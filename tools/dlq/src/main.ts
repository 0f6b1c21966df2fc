import { run } from './commands';

// `npm run dlq -- <command>`: see USAGE in cli.ts. The exit code is set, not forced, so output is flushed.
void run(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
}).then((code) => {
  process.exitCode = code;
});
