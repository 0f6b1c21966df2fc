import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ownerOf, ROUTES, UPSTREAM_SERVICES } from './routes';

const APPS = resolve(__dirname, '../..');

function sourcesOf(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesOf(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const joinPath = (...parts: string[]) =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? 'some-id' : segment))
    .join('/')}`;

/** Every HTTP path a controller of an app declares: its @Controller prefix joined with each route decorator's path. */
function declaredPaths(app: string): string[] {
  return sourcesOf(join(APPS, app, 'src')).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const controller = /@Controller\(\s*(?:'([^']*)')?\s*\)/.exec(text);
    if (!controller) return [];
    const prefix = controller[1] ?? '';
    const routes = [...text.matchAll(/@(?:Get|Post|Put|Patch|Delete|Head|Options|All)\(\s*(?:'([^']*)')?\s*\)/g)].map((m) => m[1] ?? '');
    return routes.map((route) => joinPath(prefix, route));
  });
}

describe('the route table', () => {
  const apps = readdirSync(APPS).filter((app) => app !== 'gateway');

  it('knows every app behind the gateway', () => {
    expect(apps.sort()).toEqual(Object.keys(UPSTREAM_SERVICES).sort());
  });

  it.each(apps)('sends every path a controller of %s declares to that app', (app) => {
    const paths = declaredPaths(app);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.map((path) => `${path} → ${ownerOf(path)}`)).toEqual(paths.map((path) => `${path} → ${app}`));
  });

  it('owns each prefix once, and nothing beside or above them', () => {
    expect(new Set(ROUTES.map((r) => r.prefix)).size).toBe(ROUTES.length);
    expect(ownerOf('/v1/payments')).toBe('payments');
    expect(ownerOf('/v1/payments/1/refunds')).toBe('payments');
    expect(ownerOf('/v1/paymentsx')).toBeUndefined();
    expect(ownerOf('/v1')).toBeUndefined();
    expect(ownerOf('/health/ready')).toBeUndefined();
    expect(ownerOf('/docs')).toBeUndefined();
  });
});
