import { Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

const HOUR = 3_600_000;
const quiet = { warn: jest.fn() } as unknown as Logger;

/** Resolves when the job has run `n` times in all. */
function runs(n: number) {
  let count = 0;
  let reached!: () => void;
  const done = new Promise<void>((resolve) => (reached = resolve));
  return {
    done,
    count: () => count,
    tick: () => {
      count += 1;
      if (count === n) reached();
    },
  };
}

describe('PeriodicTask', () => {
  it('runs at once, and again without pausing while the job has more to do', async () => {
    const seen = runs(3);
    const task = new PeriodicTask(quiet, HOUR, () => {
      seen.tick();
      return Promise.resolve(seen.count() < 3);
    });
    task.start();
    await seen.done; // an hour's pause between runs would time this test out
    await task.stop();
    expect(seen.count()).toBe(3);
  });

  it('runs again when woken, instead of waiting out its interval', async () => {
    const seen = runs(2);
    const first = runs(1);
    const task = new PeriodicTask(quiet, HOUR, () => {
      first.tick();
      seen.tick();
      return Promise.resolve(false);
    });
    task.start();
    await first.done;
    task.wake();
    await seen.done;
    await task.stop();
    expect(seen.count()).toBe(2);
  });

  it('keeps a wake-up that came during a run, so it runs again right after', async () => {
    const seen = runs(2);
    const task: PeriodicTask = new PeriodicTask(quiet, HOUR, () => {
      seen.tick();
      if (seen.count() === 1) task.wake();
      return Promise.resolve(false);
    });
    task.start();
    await seen.done;
    await task.stop();
  });

  it('retries a failing job with backoff and goes on once it succeeds', async () => {
    const seen = runs(3);
    const warn = jest.fn();
    const task = new PeriodicTask({ warn } as unknown as Logger, { intervalMs: 1, maxBackoffMs: 2 }, () => {
      seen.tick();
      return seen.count() < 3 ? Promise.reject(new Error('database down')) : Promise.resolve(false);
    });
    task.start();
    await seen.done;
    await task.stop();
    expect(warn).toHaveBeenCalledWith('run failed (attempt 1): database down');
    expect(warn).toHaveBeenCalledWith('run failed (attempt 2): database down');
  });

  it('stops during a pause without waiting it out, and runs no more', async () => {
    const seen = runs(1);
    const task = new PeriodicTask(quiet, HOUR, () => {
      seen.tick();
      return Promise.resolve(false);
    });
    task.start();
    await seen.done;
    await task.stop();
    task.wake();
    expect(seen.count()).toBe(1);
  });
});
