// End-to-end figures from the data itself: the payments table of the system (the same table in all
// three) holds created_at and completed_at, stamped by the payments service when the payment was
// accepted and when its status became final. Polling only decides when to stop waiting.

import { setTimeout as sleep } from 'node:timers/promises';

const OUTCOME = (row) =>
  row.status === 'PENDING' ? 'PENDING' : row.status === 'SUCCEEDED' ? 'SUCCEEDED' : (row.failure_reason ?? 'FAILED');

/** Waits until no payment of `phase` is PENDING, or `timeoutMs` passed. Returns how many still are. */
export async function waitUntilFinal(client, phase, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query("SELECT count(*)::int AS pending FROM payments.payments WHERE note = $1 AND status = 'PENDING'", [
      phase,
    ]);
    if (rows[0].pending === 0 || Date.now() >= deadline) return rows[0].pending;
    await sleep(500);
  }
}

/** Nearest-rank percentile of sorted values; null when it falls on a payment that never finished. */
export function percentile(sorted, p) {
  if (!sorted.length) return null;
  const value = sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return Number.isFinite(value) ? Math.round(value) : null;
}

/**
 * The end-to-end phase that offered load from `t0` (epoch ms) for `durationS`, measured until `tEnd`:
 * - completed/s: payments that reached a final status within the window, over its length; every
 *   payment counts, also one left over from the warm-up, because that is the work the system did
 *   in the window (an overloaded system would otherwise show 0 while busy with a backlog); a
 *   payment that EXPIRED (given up on, not decided) does not count;
 * - latency: completed_at − created_at of every payment initiated in the phase, those still
 *   pending after the drain or EXPIRED counted as infinitely slow (a percentile landing on them is null);
 * - per second since t0: payments completed, p50 / p99 of their latency.
 */
export async function endToEnd(client, phase, t0, durationS, tEnd) {
  const { rows } = await client.query(
    `SELECT note, extract(epoch FROM created_at)::float8 * 1000 AS created, extract(epoch FROM completed_at)::float8 * 1000 AS completed,
            status, failure_reason
       FROM payments.payments WHERE note = $1 OR completed_at >= to_timestamp($2 / 1000.0)`,
    [phase, t0],
  );
  const windowEnd = t0 + durationS * 1000;
  const outcomes = {};
  const latencies = [];
  const perSecond = new Map();
  let payments = 0;
  let completedInWindow = 0;
  let completedUntilEnd = 0;
  for (const row of rows) {
    // EXPIRED is final but not decided: the system gave up on the payment (only ours expires them)
    const decided = row.completed !== null && row.failure_reason !== 'EXPIRED';
    if (row.note === phase) {
      payments += 1;
      const outcome = OUTCOME(row);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      latencies.push(decided ? row.completed - row.created : Infinity);
    }
    if (!decided || row.completed < t0 || row.completed > tEnd) continue;
    completedUntilEnd += 1;
    if (row.completed <= windowEnd) completedInWindow += 1;
    const t = Math.floor((row.completed - t0) / 1000);
    if (!perSecond.has(t)) perSecond.set(t, []);
    perSecond.get(t).push(row.completed - row.created);
  }
  latencies.sort((a, b) => a - b);
  // every second of the window and the drain, also those in which nothing completed
  const series = Array.from({ length: Math.floor((tEnd - t0) / 1000) + 1 }, (_, t) => {
    const list = (perSecond.get(t) ?? []).sort((a, b) => a - b);
    return { t, completed: list.length, p50: percentile(list, 0.5), p99: percentile(list, 0.99) };
  });
  return {
    payments,
    completedInWindow,
    completedUntilEnd,
    completedPerSec: round1(completedInWindow / durationS),
    unfinished: outcomes.PENDING ?? 0,
    outcomes,
    e2eLatencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99) },
    series,
  };
}

export const round1 = (x) => Math.round(x * 10) / 10;
