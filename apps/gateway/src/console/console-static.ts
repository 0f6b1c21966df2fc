import { existsSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` puts the console (vite build -c console/vite.config.mts): dist/console, beside dist/apps. */
export const CONSOLE_ROOT = resolve(__dirname, '../../../../console');

// The console's own files only: its scripts and styles from this origin (no inline script), calls to this
// origin (the gateway), images from here or data: URIs. Not framed, nothing posted elsewhere.
export const CONSOLE_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
  },
};

/**
 * Serves the operator console (a single-page app) at /console: its files as they are, hashed
 * assets cached for good, and index.html for any other path under /console/ (the app's own views),
 * never cached so that a new build is picked up. Public: the page holds nothing; its calls need a token.
 */
@Injectable()
export class ConsoleStatic implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    await fastify.register((instance) => this.routes(instance));
  }

  private async routes(instance: FastifyInstance): Promise<void> {
    await instance.register(fastifyStatic, { root: CONSOLE_ROOT, serve: false });
    const helmet = { contentSecurityPolicy: CONSOLE_CSP };
    const page = (_request: FastifyRequest, reply: FastifyReply) => this.index(reply);
    instance.get('/console', { helmet }, page);
    instance.get('/console/', { helmet }, page);
    instance.get<{ Params: { '*': string } }>('/console/*', { helmet }, (request, reply) => {
      const file = normalize(request.params['*']);
      const path = join(CONSOLE_ROOT, file);
      const isFile = path.startsWith(CONSOLE_ROOT + sep) && existsSync(path) && statSync(path).isFile();
      if (!isFile) return this.index(reply);
      return reply.sendFile(file, {
        maxAge: file.startsWith(`assets${sep}`) ? 31_536_000_000 : 0,
        immutable: file.startsWith(`assets${sep}`),
      });
    });
  }

  private index(reply: FastifyReply): FastifyReply {
    if (!existsSync(join(CONSOLE_ROOT, 'index.html'))) {
      return reply.code(404).send({ statusCode: 404, code: 'CONSOLE.NOT_BUILT', message: 'the console is not built: run npm run build' });
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html', { maxAge: 0 });
  }
}
