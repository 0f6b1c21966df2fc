/**
 * Domain errors carry a stable code and a kind. Each edge maps the kind once: the HTTP filter to a
 * status code, the Kafka consumer to retry or dead-letter. Services never throw HTTP exceptions.
 */
export type ErrorKind =
  'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'UNPROCESSABLE' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'UNAVAILABLE' | 'RATE_LIMITED';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: ErrorKind,
    readonly details?: Record<string, unknown>,
    /** Response headers that go with the refusal at the HTTP edge (`WWW-Authenticate`, `Retry-After`). */
    readonly headers?: Record<string, string>,
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
export const unauthenticated = (code: string, message: string, headers: Record<string, string>) =>
  new DomainError(code, message, 'UNAUTHENTICATED', undefined, headers);
export const forbidden = (code: string, message: string) => new DomainError(code, message, 'FORBIDDEN');
export const unavailable = (code: string, message: string) => new DomainError(code, message, 'UNAVAILABLE');

/** Too many requests: 429 with `Retry-After` (whole seconds, at least 1), also in the body as `retryAfterS`. */
export const rateLimited = (code: string, message: string, retryAfterS: number) => {
  const seconds = Math.max(1, Math.ceil(retryAfterS));
  return new DomainError(code, message, 'RATE_LIMITED', { retryAfterS: seconds }, { 'retry-after': String(seconds) });
};
