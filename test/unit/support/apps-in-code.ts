import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { EventCatalog, EventType } from '@app/contracts';
import { HealthController } from '@app/platform';
import { topicName } from '@app/messaging';
// not exported by the library (internal to the runtime), but its groupId is the one the consumer joins
import { EventApplier } from '../../../libs/messaging/src/event-applier';

/**
 * What the deployment files must agree with, read from the code itself rather than restated:
 * the apps (the directories under apps/), the port each listens on by default, the variables its
 * config schema reads, its consumer group and the topics its @EventPattern handlers subscribe to.
 * Used by the compose and Kubernetes tests.
 */
export const ROOT = join(__dirname, '..', '..', '..');

/** The services and the gateway; derived from apps/ so that a new app is picked up by the checks. */
export function appNames(): string[] {
  return readdirSync(join(ROOT, 'apps'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, 'apps', entry.name, 'src', 'config.ts')))
    .map((entry) => entry.name)
    .sort();
}

/** Whether the gateway (built on another branch) is in apps/ yet. */
export const GATEWAY_MERGED = existsSync(join(ROOT, 'apps', 'gateway'));
/** Apps being built elsewhere, with the port they will listen on; drop an entry once it is in apps/. */
export const PENDING_APPS: Record<string, { port: number }> = GATEWAY_MERGED ? {} : { gateway: { port: 8080 } };

/** What the deployment files run: the apps in apps/ and those still on their way. */
export function deployedApps(): string[] {
  return [...appNames(), ...Object.keys(PENDING_APPS)].sort();
}

/** The port an app listens on by default (for a pending app, the one it will). */
export function defaultPortOf(app: string): number {
  return PENDING_APPS[app]?.port ?? portOf(app);
}

interface ZodObjectLike {
  shape: Record<string, unknown>;
  safeParse(env: unknown): { success: boolean; data?: Record<string, unknown>; error?: unknown };
}
interface ConfigModule {
  EnvSchema: ZodObjectLike;
  loadConfig(env: NodeJS.ProcessEnv): { service?: string; kafka?: { topicPrefix: string } };
}

function configModule(app: string): ConfigModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the app list is only known at run time
  return require(join(ROOT, 'apps', app, 'src', 'config')) as ConfigModule;
}

/** Whether the app's config schema accepts `env`; the problems when it does not. */
export function configProblems(app: string, env: NodeJS.ProcessEnv): string[] {
  const parsed = configModule(app).EnvSchema.safeParse(env);
  return parsed.success ? [] : [String(parsed.error)];
}

/** The variables the app's config schema reads (the shared ones included). */
export function envNamesOf(app: string): string[] {
  return Object.keys(configModule(app).EnvSchema.shape);
}

/** The port the app listens on under `env` (its `<APP>_PORT`, or the default in its schema). */
export function portOf(app: string, env: NodeJS.ProcessEnv = {}): number {
  const parsed = configModule(app).EnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`${app}: its config schema refuses ${JSON.stringify(env)}: ${String(parsed.error)}`);
  const port = parsed.data?.[`${app.toUpperCase()}_PORT`];
  if (typeof port !== 'number') throw new Error(`${app}: no ${app.toUpperCase()}_PORT in its config schema`);
  return port;
}

/** The paths the shared health controller serves, e.g. /health/live. */
export function healthPaths(): string[] {
  const base = String(Reflect.getMetadata(PATH_METADATA, HealthController));
  const prototype = HealthController.prototype as unknown as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .filter((method) => method !== 'constructor')
    .map((method) => prototype[method])
    .filter((handler): handler is object => typeof handler === 'function' && Reflect.hasMetadata(PATH_METADATA, handler))
    .map((handler) => `/${base}/${String(Reflect.getMetadata(PATH_METADATA, handler))}`);
}

type ModuleLike = { module?: unknown; imports?: unknown[]; controllers?: unknown[] } | (abstract new (...args: never[]) => unknown);

/** Every controller of a (dynamic) module and of the modules it imports. */
function controllersOf(module: ModuleLike, seen = new Set<unknown>()): unknown[] {
  if (!module || seen.has(module)) return [];
  seen.add(module);
  const dynamic = typeof module === 'object' ? module : undefined;
  const type = dynamic ? dynamic.module : module;
  const metadata = (key: string) => (type ? ((Reflect.getMetadata(key, type) as unknown[] | undefined) ?? []) : []);
  const own = [...(dynamic?.controllers ?? []), ...metadata('controllers')];
  const imports = [...(dynamic?.imports ?? []), ...metadata('imports')];
  return [...own, ...imports.flatMap((child) => controllersOf(child as ModuleLike, seen))];
}

/** The event types an app's @EventPattern handlers take, read from Nest's metadata. */
function eventTypesOf(module: ModuleLike): EventType[] {
  const types = new Set<EventType>();
  for (const controller of controllersOf(module)) {
    const prototype = (controller as { prototype: Record<string, unknown> }).prototype;
    for (const method of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[method];
      if (typeof handler !== 'function') continue;
      for (const pattern of (Reflect.getMetadata(PATTERN_METADATA, handler) as unknown[] | undefined) ?? [])
        for (const type of [pattern].flat()) types.add(type as EventType);
    }
  }
  return [...types];
}

/** The app's Nest module, as its main.ts builds it (`XModule.forRoot(config)`, or the class itself). */
function moduleOf(app: string, config: unknown): ModuleLike | undefined {
  const dir = join(ROOT, 'apps', app, 'src');
  const file = readdirSync(dir).find((name) => name === `${app}.module.ts`);
  if (!file) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the app list is only known at run time
  const loaded = require(join(dir, file)) as Record<string, unknown>;
  const type = Object.entries(loaded).find(([name, value]) => name.endsWith('Module') && typeof value === 'function')?.[1] as
    (ModuleLike & { forRoot?: (config: unknown) => ModuleLike }) | undefined;
  if (!type?.forRoot) return type;
  // forRoot registers TypeORM's data source name, and warns when it is called again for another app
  Logger.overrideLogger(false);
  try {
    return type.forRoot(config);
  } finally {
    Logger.overrideLogger(['log', 'error', 'warn', 'fatal']);
  }
}

export interface Consumption {
  /** The consumer group id the messaging runtime joins. */
  groupId: string;
  /** The topics that group subscribes to, sorted. */
  topics: string[];
}

/** The app's consumer group and topics under `env`; undefined when it consumes nothing (the gateway). */
export function consumptionOf(app: string, env: NodeJS.ProcessEnv = {}): Consumption | undefined {
  const config = configModule(app).loadConfig(env);
  const module = moduleOf(app, config);
  const types = module ? eventTypesOf(module) : [];
  if (!types.length || !config.kafka) return undefined;
  // the getter the runtime uses, on this config
  const groupId = Object.getOwnPropertyDescriptor(EventApplier.prototype, 'groupId')!.get!.call({ options: { config } }) as string;
  const topics = [...new Set(types.map((type) => topicName(config as never, EventCatalog[type].topic)))].sort();
  return { groupId, topics };
}
