import { INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CustomTransportStrategy } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Logger } from 'nestjs-pino';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { currentTraceIds } from '@app/telemetry';
import { ConfigError, ServiceConfig } from './config';
import { prepareDatabase, runMigrations } from './database';
import { acceptJsonBodiesOnly, hardenHttp, rejectUnsafeInput } from './hardening';
import { observeHttpRequests, serveMetrics } from './metrics';
import { requestIdOf } from './logging';
import { REDIS } from './redis';

/**
 * Provided by the messaging runtime: the transport through which the service's `@EventPattern`
 * handlers receive events. A service that has one consumes as soon as it is created.
 */
export const EVENT_TRANSPORT = Symbol('EVENT_TRANSPORT');

export interface ServiceDefinition {
  config: ServiceConfig;
  title: string;
  description: string;
  module: unknown;
  /** false for a service without a database of its own (the gateway); its PlatformModule then has none either. */
  database?: boolean;
}

/** Creates a service's Nest application on Fastify, with its database migrated and its API documented. */
export async function createService(definition: ServiceDefinition): Promise<NestFastifyApplication> {
  const { config } = definition;
  const hasDatabase = definition.database !== false;
  if (hasDatabase) await prepareDatabase(config.database.url, config.database.schema);
  const adapter = new FastifyAdapter({
    bodyLimit: 64 * 1024,
    routerOptions: { maxParamLength: 1000 },
    // Behind the gateway (or another proxy) the client is the forwarded address, if the hop is trusted.
    trustProxy: config.http.trustProxy.length > 0 ? config.http.trustProxy : false,
    genReqId: requestIdOf,
  });
  const fastify = adapter.getInstance();
  acceptJsonBodiesOnly(fastify);
  rejectUnsafeInput(fastify);
  observeHttpRequests(fastify);
  // W3C trace-context: every response names the trace it belongs to, and the request's id.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    const ids = currentTraceIds();
    if (ids) reply.header('traceresponse', `00-${ids.traceId}-${ids.spanId}-${ids.sampled ? '01' : '00'}`);
    done(null, payload);
  });
  const app = await NestFactory.create<NestFastifyApplication>(definition.module as never, adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await hardenHttp(fastify, config, app.get<Redis>(REDIS));
  serveMetrics(fastify);
  if (hasDatabase) await runMigrations(app.get(DataSource), config.database.schema);
  documentApi(app, definition);
  await app.init();
  const transport = optionalProvider<CustomTransportStrategy>(app, EVENT_TRANSPORT);
  if (transport) {
    // Sharing the application's filters, pipes and guards: a global guard must let events (context type 'rpc') pass.
    app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  return app;
}

function optionalProvider<T>(app: INestApplication, token: symbol): T | undefined {
  try {
    return app.get<T>(token, { strict: false });
  } catch {
    return undefined;
  }
}

function documentApi(app: INestApplication, { title, description, config }: ServiceDefinition): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(title)
      .setDescription(description)
      .setVersion('1')
      .addTag(config.service)
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup('docs', app, cleanupOpenApiDoc(markPublicRoutes(document)));
}

/** Every route needs a bearer token (the document's default) except those marked `@Public()`. */
function markPublicRoutes(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Array<Record<string, unknown>>) {
      if (operation && typeof operation === 'object' && operation['x-public']) {
        operation.security = [];
        delete operation['x-public'];
      }
    }
  }
  return document;
}

/** The entry point of every service's main.ts: boot, listen, and exit with a clear message on bad config. */
export async function runService(define: () => ServiceDefinition): Promise<void> {
  let definition: ServiceDefinition;
  try {
    definition = define();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await createService(definition);
  await app.listen(definition.config.http.port, definition.config.http.host);
  new NestLogger('Bootstrap').log(
    `${definition.config.service} listening on http://127.0.0.1:${definition.config.http.port} (docs at /docs)`,
  );
}
