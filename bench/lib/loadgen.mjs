#!/usr/bin/env node
// The load generator, run by the harness as a process of its own so that its CPU and memory are
// measured apart from the systems'. One JSON argument in, one JSON line out (stdout):
//   { mode: 'open', url, rate, durationS, phase, connections, maxInFlight, identities, payerPool, payees }
//       open loop: requests are started at a fixed rate whatever the answers do; latency is taken
//       from the moment a request was due, so a slow server cannot hide its queueing
//       (no coordinated omission). A request due while maxInFlight are outstanding is dropped.
//   { mode: 'closed', url, connections, durationS, phase, identities, payerPool, payees }
//       closed loop: `connections` clients, each sends its next request when the last is answered.
// Bodies come from workload.mjs (same index → same payment on every system), from a pool of
// `payerPool` payers to `payees` shops; each request carries its payer's access token, read from the `identities`
// file (identities.mjs: { users: [{ token, vpas }] }).

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { PAYEES, payerPoolFor, paymentBody } from './workload.mjs';

const options = JSON.parse(process.argv[2]);
const { mode, url, durationS, phase } = options;
const connections = options.connections ?? 64;
const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
const payerPool = options.payerPool ?? payerPoolFor(options.rate);
const payees = options.payees ?? PAYEES;
const offset = options.indexOffset ?? 0;
/** VPA → `Bearer <its holder's token>` */
const authorization = new Map();
if (options.identities) {
  for (const { token, vpas } of JSON.parse(readFileSync(options.identities, 'utf8')).users) {
    for (const vpa of vpas) authorization.set(vpa, `Bearer ${token}`);
  }
}

const latencies = [];
const statuses = {};
const perSecond = [];
let sent = 0;
let accepted = 0;
let errors = 0;
let dropped = 0;
let inFlight = 0;
let stopping = false;
let peakRss = 0;
const firstErrors = [];
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 500);
process.on('SIGTERM', () => {
  stopping = true;
});

const second = (start, at) => {
  const s = Math.max(0, Math.floor((at - start) / 1000));
  return (perSecond[s] ??= { t: s, sent: 0, accepted: 0, latencies: [] });
};

/** One request; `due` is when it should have started (open loop) or did start (closed loop). */
async function send(index, due, start) {
  const bucket = second(start, due);
  sent += 1;
  bucket.sent += 1;
  inFlight += 1;
  try {
    const payment = paymentBody(offset + index, phase, payerPool, payees);
    const token = authorization.get(payment.payerVpa);
    const { statusCode, body } = await pool.request({
      method: 'POST',
      path: '/v1/payments',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
      body: JSON.stringify(payment),
    });
    await body.dump();
    const latency = performance.now() - due;
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode === 202) {
      accepted += 1;
      bucket.accepted += 1;
      latencies.push(latency);
      bucket.latencies.push(latency);
    }
  } catch (error) {
    errors += 1;
    if (firstErrors.length < 5) firstErrors.push(String(error?.message ?? error));
  } finally {
    inFlight -= 1;
  }
}

async function openLoop() {
  const { rate } = options;
  const maxInFlight = options.maxInFlight ?? 4000;
  const total = Math.floor(rate * durationS);
  const start = performance.now();
  let issued = 0;
  while (issued < total && !stopping) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    for (; issued < due; issued++) {
      const dueAt = start + (issued * 1000) / rate;
      if (inFlight >= maxInFlight) {
        dropped += 1;
        continue;
      }
      void send(issued, dueAt, start);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return start;
}

async function closedLoop() {
  const start = performance.now();
  const end = start + durationS * 1000;
  let next = 0;
  const worker = async () => {
    while (!stopping && performance.now() < end) await send(next++, performance.now(), start);
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return start;
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : null);
const round = (x) => (x === null ? null : Math.round(x * 10) / 10);

const startedAt = Date.now();
const start = mode === 'open' ? await openLoop() : await closedLoop();
const loadEndedAt = Date.now();
// the answers still outstanding, for a bounded time
const waitUntil = performance.now() + (options.settleS ?? 30) * 1000;
while (inFlight > 0 && performance.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 20));
const elapsedS = (performance.now() - start) / 1000;
clearInterval(rssTimer);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
await pool.destroy().catch(() => undefined);

latencies.sort((a, b) => a - b);
const cpu = process.cpuUsage();
const result = {
  mode,
  phase,
  startedAt,
  loadEndedAt,
  durationS: mode === 'open' ? durationS : (loadEndedAt - startedAt) / 1000,
  elapsedS,
  sent,
  accepted,
  unanswered: inFlight,
  dropped,
  errors,
  firstErrors,
  statuses,
  acceptedPerSec: accepted / (mode === 'open' ? durationS : (loadEndedAt - startedAt) / 1000),
  latencyMs: {
    p50: round(percentile(latencies, 0.5)),
    p90: round(percentile(latencies, 0.9)),
    p99: round(percentile(latencies, 0.99)),
    max: round(latencies.at(-1) ?? null),
  },
  perSecond: perSecond.filter(Boolean).map((b) => {
    const sorted = b.latencies.sort((x, y) => x - y);
    return { t: b.t, sent: b.sent, accepted: b.accepted, p50: round(percentile(sorted, 0.5)), p99: round(percentile(sorted, 0.99)) };
  }),
  self: { cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: Math.round(peakRss / 1048576) },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
