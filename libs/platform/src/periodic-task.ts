import { Logger } from '@nestjs/common';
import { pause, retrying } from './retry';

export interface PeriodicTaskOptions {
  /** The pause between runs that found nothing more to do. */
  intervalMs: number;
  /** The longest pause after failed runs (they back off from `intervalMs`, doubling). */
  maxBackoffMs?: number;
}

/**
 * Runs a job now and then every `intervalMs`, one run at a time, until stopped. A job that returns
 * true has more to do and runs again at once; a failing one is retried with backoff (and logged),
 * never stopping the task. `wake()` cuts the current pause short (or the next one, if a run is in
 * flight). `stop()` ends the pause and waits for the run in flight: no timer is left behind.
 */
export class PeriodicTask {
  private readonly options: Required<PeriodicTaskOptions>;
  private stopping?: AbortController;
  private loop?: Promise<void>;
  private wakeUp?: AbortController;
  private woken = false;

  constructor(
    private readonly logger: Logger,
    options: number | PeriodicTaskOptions,
    private readonly job: () => Promise<boolean>,
  ) {
    const { intervalMs, maxBackoffMs = 30_000 } = typeof options === 'number' ? { intervalMs: options } : options;
    this.options = { intervalMs, maxBackoffMs };
  }

  start(): void {
    if (this.stopping) return;
    this.stopping = new AbortController();
    this.loop = this.run(this.stopping.signal);
  }

  async stop(): Promise<void> {
    this.stopping?.abort();
    this.wakeUp?.abort();
    await this.loop;
  }

  /** Runs the job again as soon as the run in flight (if any) is over. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.abort();
  }

  private async run(stopped: AbortSignal): Promise<void> {
    const { intervalMs, maxBackoffMs } = this.options;
    while (!stopped.aborted) {
      this.woken = false;
      const more = await retrying(() => this.job(), {
        initialDelayMs: intervalMs,
        maxDelayMs: Math.max(intervalMs, maxBackoffMs),
        signal: stopped,
        onRetry: (error, attempt) => this.logger.warn(`run failed (attempt ${attempt}): ${(error as Error).message}`),
      }).catch(() => false); // only a stop ends the retries: the task stops with it
      if (more || this.woken || stopped.aborted) continue;
      // stop() aborts this one too
      this.wakeUp = new AbortController();
      await pause(intervalMs, this.wakeUp.signal);
      this.wakeUp = undefined;
    }
  }
}
