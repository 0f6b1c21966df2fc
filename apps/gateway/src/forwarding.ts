/**
 * When the gateway may send a request again to another instance: only when the first could not
 * have been applied — its connection failed before any response — and only when sending it twice
 * would change nothing: the idempotent methods, and POST or PATCH with an Idempotency-Key (the
 * services answer a repeated key with the first outcome). Never a POST without one.
 */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const KEYED_METHODS = new Set(['POST', 'PATCH']);

export function mayResend(method: string, headers: Record<string, string | string[] | undefined>): boolean {
  if (IDEMPOTENT_METHODS.has(method)) return true;
  const key = headers['idempotency-key'];
  return KEYED_METHODS.has(method) && typeof key === 'string' && key.trim() !== '';
}

/** Error codes of a connection that failed before the upstream answered (node's and undici's). */
const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** The error codes along an error and its causes (reply-from wraps undici's error, which may wrap node's). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') codes.push(e.code);
  }
  return codes;
}

export type UpstreamFailure = 'connection' | 'timeout' | 'other';

/** What went wrong with a forwarded request that got no response. */
export function classifyUpstreamError(error: unknown): UpstreamFailure {
  const codes = codesOf(error);
  if (codes.some((code) => CONNECTION_FAILURES.has(code))) return 'connection';
  if (
    codes.some((code) => code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'FST_REPLY_FROM_GATEWAY_TIMEOUT')
  )
    return 'timeout';
  return 'other';
}
