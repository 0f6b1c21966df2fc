import 'reflect-metadata';
import { runCli } from './run-cli';

// `npm run users -- <command>`: see USAGE in command.ts. The exit code is set, not forced, so output is flushed.
void runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
