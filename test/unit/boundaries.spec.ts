import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The architecture rules of .dependency-cruiser.js (what `npm run lint:deps` checks), run on the
 * real code and on a fixture that breaks each rule once. dependency-cruiser is ESM-only and Jest
 * cannot load it, so its CLI runs in a child process and its JSON report is parsed.
 */
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.js');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'boundaries');

interface Violation {
  rule: { name: string; severity: string };
  from: string;
  to: string;
}
interface Report {
  modules: { source: string }[];
  summary: { violations: Violation[]; totalCruised: number };
}

function cruise(cwd: string): Report {
  const roots = ['apps', 'libs', 'tools'].filter((dir) => existsSync(join(cwd, dir)));
  const out = execFileSync(process.execPath, [CLI, ...roots, '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as Report;
}

const describeViolations = (violations: Violation[]) => violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();

describe('module boundaries (dependency-cruiser)', () => {
  it('the apps and libs break none of the rules', () => {
    const report = cruise(ROOT);

    // guard against a vacuous pass: the real entry points and libraries were actually cruised
    const sources = report.modules.map((m) => m.source);
    for (const expected of [
      'apps/notifications/src/main.ts',
      'libs/contracts/src/index.ts',
      'libs/platform/src/index.ts',
      'libs/messaging/src/index.ts',
    ]) {
      expect(sources).toContain(expected);
    }
    expect(describeViolations(report.summary.violations)).toEqual([]);
  }, 60_000);

  it('each rule catches the import it forbids', () => {
    const report = cruise(FIXTURE);

    expect(describeViolations(report.summary.violations)).toEqual([
      'contracts-stand-alone: libs/contracts/src/event.ts -> libs/platform/src/value.ts',
      'no-app-to-app: apps/a/src/x.ts -> apps/b/src/y.ts',
      'no-circular: libs/shared/src/ping.ts -> libs/shared/src/pong.ts',
      'no-lib-to-app: libs/shared/src/uses-app.ts -> apps/b/src/y.ts',
    ]);
    expect(report.summary.violations.every((v) => v.rule.severity === 'error')).toBe(true);
  }, 60_000);
});
