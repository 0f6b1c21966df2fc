/**
 * Domain errors carry a stable code and a kind. Each edge maps the kind once: the HTTP filter to a
 * status code, the Kafka consumer to retry or dead-letter. Services never throw HTTP exceptions.
 */
export type ErrorKind = 'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'UNPROCESSABLE' | 'RATE_LIMITED';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: ErrorKind,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (code: string, message: string) => new DomainError(code, message, 'NOT_FOUND');
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, message, 'CONFLICT', details);
export const invalid = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, message, 'INVALID', details);

/** Too many requests: the HTTP filter answers 429 with `Retry-After: retryAfterS`. */
export const rateLimited = (code: string, message: string, retryAfterS: number) =>
  new DomainError(code, message, 'RATE_LIMITED', { retryAfterS: Math.max(1, Math.ceil(retryAfterS)) });
