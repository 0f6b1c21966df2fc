/**
 * Waits for an asynchronous outcome: retries the assertion until it passes or the deadline passes,
 * then fails with the last assertion error. It asserts what happens, never how fast.
 */
export async function eventually<T>(assertion: () => Promise<T> | T, timeoutMs = 20000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
