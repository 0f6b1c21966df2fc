// Downloading the jars of the local broker and Zipkin from Maven Central, once, into .cache: Maven
// (`mvn` on the PATH) resolves the dependencies of a pom in scripts/<tool>/.

import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT, selfIgnore } from './cache.mjs';
import { acquireLock, runCommand } from './processes.mjs';

/** The value of `<name>` in a pom (e.g. kafka.version: the pom is the single source of truth). */
export function pomProperty(pomFile, name) {
  const tag = name.replaceAll('.', '\\.');
  return readFileSync(pomFile, 'utf8')
    .match(new RegExp(`<${tag}>([^<]+)</${tag}>`))[1]
    .trim();
}

/**
 * Resolves the dependencies of `pomFile` into `cacheDir` once, safely when several processes ask
 * at the same time: unless `isResolved()`, and under a lock, runs
 * `mvn dependency:copy-dependencies <flags>` into a temporary directory in `cacheDir`, checks the
 * files it got with `complete(files)`, and lets `install(tmpDir, files)` move them into place
 * (atomically: what `isResolved()` looks at must never be half there). `install` returns what to
 * call what it installed in the progress message.
 */
export async function resolveWithMaven({ pomFile, cacheDir, what, flags, isResolved, complete, install, announce, log }) {
  if (isResolved()) return;
  selfIgnore(dirname(cacheDir));
  const release = await acquireLock(join(cacheDir, '.resolve.lock'), { what: `${what} resolution` });
  try {
    if (isResolved()) return; // another process did it while we waited
    const tmpDir = join(cacheDir, `tmp-${process.pid}`);
    rmSync(tmpDir, { recursive: true, force: true });
    log(announce);
    const started = Date.now();
    const mvnArgs = ['-q', '-B', '-f', pomFile, 'dependency:copy-dependencies', ...flags, `-DoutputDirectory=${tmpDir}`];
    const { code, out } = await runCommand(process.platform === 'win32' ? 'mvn.cmd' : 'mvn', mvnArgs, { cwd: REPO_ROOT });
    const files = existsSync(tmpDir) ? readdirSync(tmpDir) : [];
    if (code !== 0 || !complete(files)) {
      rmSync(tmpDir, { recursive: true, force: true });
      throw new Error(`mvn ${mvnArgs.join(' ')} failed (exit ${code}):\n${out.trim()}`);
    }
    const installed = install(tmpDir, files);
    rmSync(tmpDir, { recursive: true, force: true });
    log(`resolved ${installed} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  } finally {
    release();
  }
}
