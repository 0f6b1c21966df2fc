#!/usr/bin/env node
// Makes a checkout runnable before anything else runs, so that a fresh clone (or a pull that
// changed the lock file or the sources) just works with `npm start` / `npm test`:
//   - dependencies: `npm ci` when node_modules is missing or older than package-lock.json;
//   - with --build: `npm run build` when dist/ is missing or older than the sources.
// node: built-ins only, because it runs before dependencies are installed.
//
// CLI:          node scripts/ensure-deps.mjs [--build]
// Programmatic: import { ensureDeps, buildIsStale } from './ensure-deps.mjs';

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** Written by `npm run build` (postbuild) once the build has fully succeeded. */
export const BUILD_STAMP = join(REPO_ROOT, 'dist', '.build-stamp');

/**
 * Why dependencies must be (re)installed, or undefined when they are up to date. npm writes
 * node_modules/.package-lock.json at the end of every install, after package-lock.json, so a lock
 * file newer than it means the install is missing, interrupted or out of date.
 */
export function installReason(root = REPO_ROOT) {
  const lock = join(root, 'package-lock.json');
  const hidden = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(hidden)) return 'node_modules was not installed by npm (no node_modules/.package-lock.json)';
  if (existsSync(lock) && statSync(lock).mtimeMs > statSync(hidden).mtimeMs) {
    return 'package-lock.json is newer than node_modules';
  }
  return undefined;
}

function npm(args, root) {
  // Under `npm run`, npm_execpath is the npm that runs us; otherwise use the one on the PATH.
  const npmCli = process.env.npm_execpath;
  const [cmd, argv] =
    npmCli && /npm-cli\.js$/.test(npmCli)
      ? [process.execPath, [npmCli, ...args]]
      : [process.platform === 'win32' ? 'npm.cmd' : 'npm', args];
  const result = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) throw new Error(`cannot run npm ${args[0]}: ${result.error.message}`);
  return result.status ?? result.signal;
}

/**
 * Runs `npm ci` when needed; throws if it fails. Returns true when it installed. When `npm ci`
 * refuses a lock file that is out of sync with package.json, `npm install` repairs it, so a
 * checkout still starts (the lock file then shows as changed, to be committed).
 */
export function ensureDeps({ root = REPO_ROOT, log = (m) => console.error(m) } = {}) {
  const reason = installReason(root);
  if (!reason) return false;
  log(`[deps] ${reason}: running npm ci ...`);
  // npm start and npm test need the development dependencies (the build, concurrently), also
  // where NODE_ENV=production would make npm leave them out
  const ci = npm(['ci', '--include=dev'], root);
  if (ci === 0) return true;
  if (typeof ci !== 'number') throw new Error(`npm ci was stopped (${ci})`);
  log(`[deps] npm ci failed (exit ${ci}); trying npm install, which also repairs package-lock.json ...`);
  const install = npm(['install', '--include=dev'], root);
  if (install !== 0) throw new Error(`npm install failed (exit ${install})`);
  return true;
}

/** Newest modification time of what the build reads (directories too: they change on add/delete). */
export function newestSourceMtime(root = REPO_ROOT) {
  let newest = 0;
  const touch = (path) => {
    newest = Math.max(newest, statSync(path).mtimeMs);
  };
  const visit = (path) => {
    touch(path);
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
  };
  for (const top of ['apps', 'libs', 'tools']) {
    if (!existsSync(join(root, top))) continue;
    touch(join(root, top)); // a project added or removed
    for (const project of readdirSync(join(root, top))) {
      const src = join(root, top, project, 'src');
      if (existsSync(src)) visit(src);
      else touch(join(root, top, project)); // its src/ removed
    }
  }
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) touch(join(root, file));
  return newest;
}

/** True when dist/ is missing, came from a failed build, or is older than the sources. */
export function buildIsStale(root = REPO_ROOT) {
  const stamp = join(root, 'dist', '.build-stamp');
  return !existsSync(stamp) || newestSourceMtime(root) > statSync(stamp).mtimeMs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureDeps();
    if (process.argv.includes('--build') && buildIsStale()) {
      console.error('[deps] sources changed since the last build: npm run build');
      const code = npm(['run', 'build'], REPO_ROOT);
      if (code !== 0) throw new Error(`build failed (${code})`);
    }
  } catch (error) {
    console.error(`[deps] ${error.message}`);
    process.exit(1);
  }
}
