import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ZodValidationException } from 'nestjs-zod';
import type { FastifyReply } from 'fastify';
import { Observable, throwError } from 'rxjs';
import { ZodError } from 'zod';
import { DomainError, ErrorKind } from './errors';
import { UnsafeInputError } from './input-safety';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  INVALID: HttpStatus.BAD_REQUEST,
  UNPROCESSABLE: HttpStatus.UNPROCESSABLE_ENTITY,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  RATE_LIMITED: HttpStatus.TOO_MANY_REQUESTS,
};

export interface FieldError {
  field: string;
  message: string;
}

/** Turns zod issues into one entry per offending field; unknown keys are named one by one. */
export function fieldErrors(error: ZodError, root = 'body'): FieldError[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: base ? `${base}.${key}` : key, message: 'unknown field' }));
    }
    return [{ field: base || root, message: issue.message }];
  });
}

export function badRequest(errors: FieldError[]) {
  return {
    statusCode: 400,
    error: 'Bad Request',
    code: 'VALIDATION_FAILED',
    message: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  };
}

/** A request body that is not JSON (see acceptJsonBodiesOnly). */
export const unsupportedMediaType = () => ({
  statusCode: 415,
  error: 'Unsupported Media Type',
  code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  message: 'the request body must be JSON, sent with content-type: application/json',
});

/**
 * The one place where errors become HTTP responses. The event transport shares the application's
 * filters (see createService): an event handler's error goes back to it as it was thrown, and the
 * transport decides retry or dead letter by its kind (Nest's own filter would make it a bare
 * "Internal server error").
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    if (host.getType() === 'rpc') return throwError(() => exception);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, body] = this.toResponse(exception);
    if (exception instanceof DomainError && exception.headers) void reply.headers(exception.headers);
    if (status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (exception instanceof DomainError && exception.kind === 'RATE_LIMITED') {
      reply.header('retry-after', String(Number(exception.details?.retryAfterS ?? 1)));
    }
    reply.status(status).send(body);
  }

  private toResponse(exception: unknown): [number, unknown] {
    if (exception instanceof ZodValidationException) {
      return [400, badRequest(fieldErrors(exception.getZodError() as ZodError))];
    }
    if (exception instanceof UnsafeInputError) {
      return [400, badRequest(exception.errors)];
    }
    if (exception instanceof DomainError) {
      const status = STATUS_BY_KIND[exception.kind];
      return [status, { statusCode: status, code: exception.code, message: exception.message, ...exception.details }];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      return [status, typeof response === 'string' ? { statusCode: status, message: response } : response];
    }
    const clientError = exception as { statusCode?: number; message?: string; code?: string };
    if (clientError?.statusCode === 415) {
      return [415, unsupportedMediaType()];
    }
    if (typeof clientError?.statusCode === 'number' && clientError.statusCode >= 400 && clientError.statusCode < 500) {
      // Fastify's own client errors (malformed JSON, body too large, ...): a client error is never a 5xx.
      return [clientError.statusCode, badRequest([{ field: 'body', message: clientError.message ?? 'malformed request body' }])];
    }
    return [500, { statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error' }];
  }
}
