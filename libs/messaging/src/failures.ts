import { DomainError } from '@app/platform';

/** A failure that retrying cannot mend: the message goes straight to the dead-letter topic. */
export class PermanentMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentMessageError';
  }
}

/** SQLSTATE classes and codes that mean "the database cannot do it now", not "it can never be done". */
const TRANSIENT_SQLSTATE = /^(08|53|57P0|58)|^(40001|40P01|55P03|55006)$/;
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const TRANSIENT_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|the database system is (starting up|shutting down)/i;

export type FailureKind = 'transient' | 'permanent' | 'unknown';

/**
 * How the consumer treats a failed handler:
 * - transient (database or broker unavailable, deadlock, serialization): retried with backoff for
 *   as long as it takes; never skipped, never dead-lettered;
 * - permanent (a domain error, or a message that can never apply): dead-lettered at once;
 * - unknown (a bug, an unexpected state): a bounded number of attempts, then dead-lettered, so no
 *   partition waits forever behind one message.
 */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof PermanentMessageError || error instanceof DomainError) return 'permanent';
  for (let cause: unknown = error, depth = 0; cause && depth < 5; depth++) {
    const e = cause as { code?: unknown; retriable?: boolean; message?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && (TRANSIENT_SQLSTATE.test(e.code) || TRANSIENT_NODE_CODES.has(e.code))) return 'transient';
    if (e.retriable === true) return 'transient'; // kafkajs marks broker-side retriable errors
    if (typeof e.message === 'string' && TRANSIENT_MESSAGES.test(e.message)) return 'transient';
    cause = e.driverError ?? e.cause;
  }
  return 'unknown';
}
