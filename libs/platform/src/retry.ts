/**
 * The one retry policy of the code base: exponential backoff, capped, optionally jittered, for as
 * many attempts as the caller allows, stopped at once by an abort signal (a shutdown must not
 * wait out a backoff). Written here rather than taken from cockatiel or p-retry: their current
 * majors need Node 22, and cockatiel 3's waits cannot be cut short by a signal.
 */
export interface RetryOptions {
  /** The pause after the first failure; it doubles after each further one. */
  initialDelayMs: number;
  /** The longest pause. */
  maxDelayMs: number;
  /** Attempts in all, the first included (default: no limit). */
  maxAttempts?: number;
  /** Whether a failure is worth another attempt (default: every failure is). */
  retryIf?: (error: unknown, attempt: number) => boolean;
  /** Told of each failure that will be retried, before the pause. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Spreads each pause over [delay/2, delay): many clients failing together do not retry together. */
  jitter?: boolean;
  /** Aborting ends the pause in progress and the retries: the last failure is thrown. */
  signal?: AbortSignal;
}

/** The pause before attempt `attempt + 1`, after `attempt` failures (without jitter). */
export function backoffDelay(attempt: number, { initialDelayMs, maxDelayMs }: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs'>): number {
  return Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Runs `work` until it succeeds, and retries it after a pause when it fails, as `options` allow;
 * the error of the last attempt is thrown when they do not. `work` is told which attempt it is.
 */
export async function retrying<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { maxAttempts = Infinity, retryIf = () => true, signal } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= maxAttempts || signal?.aborted || !retryIf(error, attempt)) throw error;
      const full = backoffDelay(attempt, options);
      const delayMs = options.jitter ? Math.floor(full / 2 + (Math.random() * full) / 2) : full;
      options.onRetry?.(error, attempt, delayMs);
      await pause(delayMs, signal);
      if (signal?.aborted) throw error;
    }
  }
}

/** Waits `ms`, or less if the signal is aborted meanwhile. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
