import { call } from './client';
import { ALL_SERVICES, AnyService, RunningSystem } from './system';

/** A route as a service documents it in its OpenAPI document (GET /docs-json). */
export interface Route {
  service: AnyService;
  method: string;
  /** The OpenAPI path template, e.g. `/v1/payments/{id}`. */
  path: string;
  /** The document says it needs no token (`security: []`). */
  documentedPublic: boolean;
}

/** `payments GET /v1/payments/{id}`: how routes are named in tables and messages. */
export const routeKey = (route: Pick<Route, 'service' | 'method' | 'path'>) => `${route.service} ${route.method} ${route.path}`;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

interface OpenApiDocument {
  security?: unknown[];
  paths: Record<string, Record<string, { security?: unknown[] }>>;
}

/** Every route every service documents, read from the services themselves (no token needed). */
export async function documentedRoutes(system: RunningSystem): Promise<Route[]> {
  const routes: Route[] = [];
  for (const service of ALL_SERVICES) {
    const answer = await call('GET', `${system.urls[service]}/docs-json`);
    if (answer.status !== 200) throw new Error(`${service} GET /docs-json: ${answer.status}`);
    const document = answer.body as OpenApiDocument;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        const security = operation.security ?? document.security ?? [];
        routes.push({ service, method: method.toUpperCase(), path, documentedPublic: security.length === 0 });
      }
    }
  }
  return routes;
}

/** What anyone may call without a token (access.md): health, the documents, the keys, sign-up and sign-in. */
export function isPublicByContract(route: Pick<Route, 'service' | 'method' | 'path'>): boolean {
  if (route.method === 'GET' && route.path.startsWith('/health/')) return true;
  if (route.method === 'GET' && (route.path === '/docs' || route.path.startsWith('/docs-'))) return true;
  return (
    route.service === 'users' &&
    ['POST /v1/users', 'POST /v1/auth/token', 'GET /.well-known/jwks.json'].includes(`${route.method} ${route.path}`)
  );
}

/** Every documented route that needs a token by the contract: what a refused token must be refused on. */
export async function protectedRoutes(system: RunningSystem): Promise<Route[]> {
  return (await documentedRoutes(system)).filter((route) => !isPublicByContract(route));
}

const PLACEHOLDERS: Record<string, string> = {
  id: '00000000-0000-4000-8000-000000000000',
  paymentId: '00000000-0000-4000-8000-000000000000',
  sku: 'SKU-NONE',
  vpa: 'nobody.placeholder@okbank',
};

/**
 * Calls a route with placeholder parameters and an empty JSON body: enough to learn whether a
 * token is accepted, which is decided before the parameters are looked at.
 */
export function callWithToken(system: RunningSystem, route: Route, token: string | undefined) {
  const path = route.path.replace(/\{([^}]+)\}/g, (_match, name: string) => encodeURIComponent(PLACEHOLDERS[name] ?? 'x'));
  const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
  return call(route.method, `${system.urls[route.service]}${path}`, { token, body });
}
