import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BaseEnvSchema } from '@app/platform';
import { EnvSchema as AnalyticsEnv } from '../../apps/analytics/src/config';
import { EnvSchema as DisputesEnv } from '../../apps/disputes/src/config';
import { EnvSchema as FraudEnv } from '../../apps/fraud/src/config';
import { EnvSchema as GatewayEnv } from '../../apps/gateway/src/config';
import { EnvSchema as InventoryEnv } from '../../apps/inventory/src/config';
import { EnvSchema as LedgerEnv } from '../../apps/ledger/src/config';
import { EnvSchema as NotificationsEnv } from '../../apps/notifications/src/config';
import { EnvSchema as PaymentsEnv } from '../../apps/payments/src/config';
import { EnvSchema as UsersEnv } from '../../apps/users/src/config';
import { EnvSchema as DlqEnv } from '../../tools/dlq/src/config';

/**
 * The README's Configuration table is the operator's list of settings: it must name every variable
 * the config schemas read, and nothing that nobody reads, or it drifts as variables are added.
 */
const ROOT = join(__dirname, '..', '..');

/**
 * Read outside the config schemas on purpose. `dir` is where the reading code lives (checked, so
 * that an entry goes when its variable does); `inTable` says whether operators set it (then the
 * table must list it) or it is internal.
 */
const OUTSIDE_SCHEMAS: Record<string, { dir: string; inTable: boolean; why: string }> = {
  OTEL_EXPORTER_ZIPKIN_ENDPOINT: {
    dir: 'libs/telemetry',
    inTable: true,
    why: "the OpenTelemetry SDK starts before Nest and the config (tracing.ts), and OTEL_* are the SDK's own variables",
  },
  KAFKA_PORT: { dir: 'scripts', inTable: true, why: 'npm start (scripts/) runs its own broker there; the services only see KAFKA_BROKERS' },
  ZIPKIN_PORT: { dir: 'scripts', inTable: true, why: 'npm start (scripts/) runs Zipkin there; the services only see the OTEL_* endpoint' },
  REPLICAS: {
    dir: 'scripts',
    inTable: true,
    why: 'npm start (scripts/) runs that many instances of each service; a service is one instance',
  },
  FAILPOINT: { dir: 'libs/messaging', inTable: false, why: 'fault injection for the fault suite, not a setting' },
};

const SCHEMAS = [
  BaseEnvSchema,
  AnalyticsEnv,
  DisputesEnv,
  FraudEnv,
  GatewayEnv,
  InventoryEnv,
  LedgerEnv,
  NotificationsEnv,
  PaymentsEnv,
  UsersEnv,
  DlqEnv,
];

/** The backticked names in the first column of the table under "## Configuration". */
function tableVariables(readme: string): string[] {
  const section = readme.split(/^## /m).find((part) => part.startsWith('Configuration\n'));
  if (!section) throw new Error('README.md has no "## Configuration" section');
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2); // header, separator
  return rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]));
}

function schemaVariables(): string[] {
  return [...new Set(SCHEMAS.flatMap((schema) => Object.keys(schema.shape)))];
}

/** Whether code under `dir` (tests aside) reads `process.env.<name>`. */
function readsVariable(dir: string, name: string): boolean {
  const path = join(ROOT, dir);
  if (statSync(path).isDirectory())
    return readdirSync(path).some((entry) => entry !== 'node_modules' && readsVariable(join(dir, entry), name));
  const read = new RegExp(`process\\.env(\\.${name}\\b|\\[['"]${name}['"]\\])`);
  return /\.(ts|mjs|js)$/.test(path) && !/\.spec\.(ts|mjs)$/.test(path) && read.test(readFileSync(path, 'utf8'));
}

describe('the README configuration table', () => {
  const table = tableVariables(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  const schemas = schemaVariables();

  it('is found and read', () => {
    expect(table).toContain('KAFKA_BROKERS');
    expect(schemas).toContain('KAFKA_BROKERS');
  });

  it('lists every variable a config schema reads', () => {
    expect(schemas.filter((name) => !table.includes(name))).toEqual([]);
  });

  it('lists no variable that no schema reads, except those read elsewhere on purpose', () => {
    expect(table.filter((name) => !schemas.includes(name) && !OUTSIDE_SCHEMAS[name]?.inTable)).toEqual([]);
  });

  it('lists the variables operators set outside the schemas', () => {
    const settings = Object.keys(OUTSIDE_SCHEMAS).filter((name) => OUTSIDE_SCHEMAS[name].inTable);
    expect(settings.filter((name) => !table.includes(name))).toEqual([]);
  });

  it('knows only exceptions that are still read where it says, and by no schema', () => {
    const stale = Object.entries(OUTSIDE_SCHEMAS)
      .filter(([name, { dir }]) => schemas.includes(name) || !readsVariable(dir, name))
      .map(([name, { dir, why }]) => `${name}: listed as read under ${dir} because ${why}`);
    expect(stale).toEqual([]);
  });

  it('lists each variable once', () => {
    expect(table.filter((name, i) => table.indexOf(name) !== i)).toEqual([]);
  });
});
