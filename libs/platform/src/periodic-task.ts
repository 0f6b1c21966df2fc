import { Logger } from '@nestjs/common';

/**
 * Runs a job now and then every `intervalMs`, one run at a time, until stopped. A job that returns
 * true has more to do and runs again at once; a failing one is retried with backoff (and logged),
 * never stopping the task. `stop()` wakes the sleeper and waits for the run in flight: no timer is
 * left behind.
 */
export class PeriodicTask {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly job: () => Promise<boolean>,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const more = await this.job();
        failures = 0;
        if (more) continue;
      } catch (error) {
        failures += 1;
        this.logger.warn(`run failed (attempt ${failures}): ${(error as Error).message}`);
      }
      await this.sleep(failures > 0 ? Math.min(this.intervalMs * 2 ** failures, 30_000) : this.intervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
