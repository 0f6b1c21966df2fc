// Compiles the naive peer (TypeScript with decorators, like any Nest app) into
// .cache/bench/naive-<hash of its sources>, once per version of the sources: concurrent runs
// (e.g. the smoke test beside a full run) share a build and never see a half-written one.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export async function ensureNaiveBuild(root, log) {
  const project = join(root, 'bench/naive');
  const hash = createHash('sha256');
  for (const file of [
    'tsconfig.json',
    ...readdirSync(join(project, 'src'))
      .sort()
      .map((f) => `src/${f}`),
  ]) {
    hash.update(file).update(readFileSync(join(project, file)));
  }
  const dir = join(root, '.cache/bench', `naive-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  log('compiling the naive peer (bench/naive) ...');
  const tmp = `${dir}.tmp-${process.pid}`;
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(project, 'tsconfig.json'), '--outDir', tmp], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`tsc -p bench/naive/tsconfig.json failed:\n${result.stdout}${result.stderr}`);
  }
  writeFileSync(join(tmp, '.complete'), new Date().toISOString());
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run got there first: same sources, same output
  }
  return dir;
}
