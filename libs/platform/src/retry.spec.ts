import { backoffDelay, retrying } from './retry';

const failing = (failures: number, value = 'done') => {
  let calls = 0;
  const work = jest.fn((attempt: number) => {
    calls += 1;
    return calls <= failures ? Promise.reject(new Error(`failure ${attempt}`)) : Promise.resolve(value);
  });
  return work;
};

describe('retrying', () => {
  it('retries until the work succeeds, telling it which attempt it is', async () => {
    const work = failing(3);
    await expect(retrying(work, { initialDelayMs: 1, maxDelayMs: 2 })).resolves.toBe('done');
    expect(work.mock.calls.map(([attempt]) => attempt)).toEqual([1, 2, 3, 4]);
  });

  it('gives up after maxAttempts with the error of the last attempt', async () => {
    const work = failing(10);
    await expect(retrying(work, { initialDelayMs: 1, maxDelayMs: 1, maxAttempts: 3 })).rejects.toThrow('failure 3');
    expect(work).toHaveBeenCalledTimes(3);
  });

  it('does not retry a failure that retryIf refuses, and tells retryIf the attempt', async () => {
    const work = failing(10);
    const retryIf = jest.fn((_error: unknown, attempt: number) => attempt < 2);
    await expect(retrying(work, { initialDelayMs: 1, maxDelayMs: 1, retryIf })).rejects.toThrow('failure 2');
    expect(retryIf.mock.calls.map(([, attempt]) => attempt)).toEqual([1, 2]);
  });

  it('reports each retry with its delay, doubling up to the cap', async () => {
    const delays: number[] = [];
    await retrying(failing(4), { initialDelayMs: 1, maxDelayMs: 4, onRetry: (_e, _a, delay) => delays.push(delay) });
    expect(delays).toEqual([1, 2, 4, 4]);
  });

  it('keeps jittered delays within half and all of the backoff', async () => {
    const delays: number[] = [];
    await retrying(failing(6), { initialDelayMs: 8, maxDelayMs: 32, jitter: true, onRetry: (_e, _a, delay) => delays.push(delay) });
    const full = [8, 16, 32, 32, 32, 32];
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(full[i] / 2);
      expect(delay).toBeLessThan(full[i]);
    });
  });

  it('ends a pause at once when aborted, throwing the last failure', async () => {
    const controller = new AbortController();
    const work = failing(10);
    // A one-hour pause: only the abort can end this test in time.
    const outcome = retrying(work, {
      initialDelayMs: 3_600_000,
      maxDelayMs: 3_600_000,
      signal: controller.signal,
      onRetry: () => controller.abort(),
    });
    await expect(outcome).rejects.toThrow('failure 1');
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('makes no attempt after the signal was aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const work = failing(10);
    await expect(retrying(work, { initialDelayMs: 1, maxDelayMs: 1, signal: controller.signal })).rejects.toThrow('failure 1');
    expect(work).toHaveBeenCalledTimes(1);
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 5000 };
    expect([1, 2, 3, 4, 5, 6, 7, 30].map((attempt) => backoffDelay(attempt, options))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });
});
