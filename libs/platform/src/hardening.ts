import type { FastifyInstance } from 'fastify';
import { UnsafeInputError, unsafeFields } from './input-safety';

/**
 * Request bodies are JSON, with Fastify's own prototype-poisoning checks: broken JSON is a 400
 * naming the body, and a body of any other content type, or of none, is a 415 (Fastify's error,
 * answered by the error filter) rather than being read as JSON. An empty body is no body, whatever
 * its content type, so a GET or DELETE without one passes.
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    void parseJson(request, body as string, (error, value) =>
      error ? done(Object.assign(new Error('request body is not valid JSON'), { statusCode: 400 }), undefined) : done(null, value),
    );
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    if ((body as Buffer).length === 0) return done(null, undefined);
    done(Object.assign(new Error('unsupported media type'), { statusCode: 415 }), undefined);
  });
}

/**
 * No string a service cannot store or pass on: a NUL (PostgreSQL's text cannot hold it) or a lone
 * UTF-16 surrogate in a path parameter, a query value or anywhere in a JSON body (keys included) is
 * a 400 naming the field, before any handler runs.
 */
export function rejectUnsafeInput(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const errors = [
      ...unsafeFields(request.params, 'params'),
      ...unsafeFields(request.query, 'query'),
      ...unsafeFields(request.body, 'body'),
    ];
    done(errors.length ? new UnsafeInputError(errors) : undefined);
  });
}
