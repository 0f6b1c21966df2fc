/** The services behind the gateway, with the port each listens on by default (and `npm start` gives its first instance). */
export const UPSTREAM_SERVICES = {
  payments: 3000,
  fraud: 3001,
  notifications: 3002,
  inventory: 3003,
  analytics: 3004,
  users: 3005,
  ledger: 3006,
  disputes: 3007,
} as const;

export type UpstreamService = keyof typeof UPSTREAM_SERVICES;

/**
 * Which service owns which path prefix: a request goes to the owner of the prefix it is, or lies
 * under (`/v1/payments` and `/v1/payments/…`). Everything else is a 404 at the gateway.
 */
export const ROUTES: ReadonlyArray<{ prefix: string; service: UpstreamService }> = [
  { prefix: '/v1/payments', service: 'payments' },
  { prefix: '/v1/fraud', service: 'fraud' },
  { prefix: '/v1/notifications', service: 'notifications' },
  { prefix: '/v1/inventory', service: 'inventory' },
  { prefix: '/v1/analytics', service: 'analytics' },
  { prefix: '/v1/auth', service: 'users' },
  { prefix: '/v1/users', service: 'users' },
  { prefix: '/v1/vpas', service: 'users' },
  { prefix: '/.well-known', service: 'users' },
  { prefix: '/v1/ledger', service: 'ledger' },
  { prefix: '/v1/disputes', service: 'disputes' },
];

/** Paths the gateway answers itself, never forwarded: the operator console and its routes (console/). */
export const GATEWAY_OWN_PREFIXES = ['/v1/ops', '/console'] as const;

/** The service that owns a path (without its query), or undefined. */
export function ownerOf(path: string): UpstreamService | undefined {
  return ROUTES.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`))?.service;
}
