// Launching the JVMs of the local broker and Zipkin (Java 17+ on the PATH or in JAVA_HOME).

import { join } from 'node:path';
import { spawnDetached } from './processes.mjs';

export function javaBin() {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** spawnDetached for `java <args>`, with an error that says what is missing if java is. */
export function launchJava(args, options) {
  return spawnDetached(javaBin(), args, {
    ...options,
    launchError: (err) => new Error(`cannot launch java (${javaBin()}): ${err.message}. Java 17+ is required.`),
  });
}
