// Where the scripts keep what they download and run: <repo>/.cache, which git ignores.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCRIPTS_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_ROOT = dirname(SCRIPTS_DIR);
export const CACHE_DIR = join(REPO_ROOT, '.cache');

/** Makes a cache dir inside the repo ignore itself in git (like .pytest_cache does). */
export function selfIgnore(dir) {
  if (!resolve(dir).startsWith(REPO_ROOT + '/')) return;
  try {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, '.gitignore'))) writeFileSync(join(dir, '.gitignore'), '# created by scripts/kafka.mjs\n*\n');
  } catch {
    /* best effort */
  }
}
