// What a system costs while it runs, sampled once a second (and on demand at the edges of a
// measured window):
//   - CPU time (utime + stime) and resident memory of every process, read from /proc (Linux);
//   - the PostgreSQL backends serving the system's database (found through pg_stat_activity), and
//     the server's own background processes (WAL writer, checkpointer, ...; shared with anything
//     else that uses that server);
//   - the consumer lag of every consumer group of the system's topic prefix (kafkajs admin:
//     committed offsets against the partitions' high watermarks).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { HARNESS_APP } from './infra.mjs';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
const BOOT_TIME_MS = (() => {
  try {
    return Number(readFileSync('/proc/stat', 'utf8').match(/^btime (\d+)/m)[1]) * 1000;
  } catch {
    return 0;
  }
})();

/** CPU seconds so far, start time and memory of a process; undefined once it is gone. */
export function readProcess(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime = 14, stime = 15, starttime = 22
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    const startedAt = BOOT_TIME_MS + (Number(fields[19]) / CLK_TCK) * 1000;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);
    return { cpuSeconds, startedAt, rssMb: kb('VmRSS') / 1024, anonMb: kb('RssAnon') / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * Which topics (logical names) each service consumes, as far as all three systems do: payments
 * and the ledger also read the users service's events (who holds which VPA; the ledger's accounts), and so does users itself. (Ours'
 * other services read them too, for revoked users; no user event is made in the measured window.)
 */
export const CONSUMED_TOPICS = {
  payments: [
    'fraud.fraud-events',
    'inventory.inventory-events',
    'notifications.notification-events',
    'analytics.analytics-events',
    'ledger.ledger-events',
    'users.user-events',
  ],
  users: ['users.user-events'],
  ledger: ['payments.payment-events', 'users.user-events'],
  fraud: ['payments.payment-events'],
  inventory: ['payments.payment-events'],
  notifications: ['payments.payment-events'],
  disputes: ['payments.payment-events'],
  analytics: [
    'payments.payment-events',
    'fraud.fraud-events',
    'inventory.inventory-events',
    'notifications.notification-events',
    'analytics.analytics-events',
    'ledger.ledger-events',
  ],
};

export class Sampler {
  /**
   * @param {object} o
   * @param {Record<string, number>} o.processes  name → pid (services, broker, ...)
   * @param {import('pg').Client} o.pg           a client connected to another database (the monitor itself is not measured)
   * @param {string} o.database                   the system's database: its backends are summed as "postgres"
   * @param {import('kafkajs').Admin} o.admin
   * @param {string} o.prefix                     the system's topic prefix (also starts its group ids)
   */
  constructor({ processes, pg, database, admin, prefix }) {
    Object.assign(this, { processes: { ...processes }, pg, database, admin, prefix });
    this.samples = []; // { at, procs: { key: { name, pid, cpuSeconds, startedAt, rssMb } }, lag: { group: n } }
    this.busy = false;
  }

  start() {
    this.timer = setInterval(() => void this.sample().catch(() => undefined), 1000);
  }

  async stop() {
    clearInterval(this.timer);
    while (this.busy) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Takes one sample now (the periodic ones skip a tick while one is running). */
  async sample() {
    if (this.busy) return;
    this.busy = true;
    try {
      const at = Date.now();
      const procs = {};
      for (const [name, pid] of Object.entries(this.processes)) {
        const p = pid && readProcess(pid);
        if (p) procs[`${name}:${pid}`] = { name, pid, ...p };
      }
      const { rows } = await this.pg.query(
        "SELECT pid, datname FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND coalesce(application_name, '') <> $1",
        [HARNESS_APP],
      );
      for (const row of rows) {
        const name = row.datname === this.database ? 'postgres' : row.datname === null ? 'postgres-server' : undefined;
        const p = name && readProcess(row.pid);
        if (p) procs[`${name}:${row.pid}`] = { name, pid: row.pid, ...p, rssMb: name === 'postgres' ? p.anonMb : p.rssMb };
      }
      const lag = await this.consumerLag().catch(() => ({}));
      this.samples.push({ at, procs, lag });
    } finally {
      this.busy = false;
    }
  }

  async consumerLag() {
    const { groups } = await this.admin.listGroups();
    const ours = groups.map((g) => g.groupId).filter((id) => id.startsWith(this.prefix));
    const highs = new Map();
    const offsetsOf = async (topic) => {
      if (!highs.has(topic)) highs.set(topic, await this.admin.fetchTopicOffsets(topic));
      return highs.get(topic);
    };
    const lag = {};
    for (const groupId of ours) {
      const service = groupId.slice(this.prefix.length).replace(/-server$/, '');
      const topics = (CONSUMED_TOPICS[service] ?? []).map((t) => `${this.prefix}${t}`);
      if (!topics.length) continue;
      const committed = await this.admin.fetchOffsets({ groupId, topics });
      let total = 0;
      for (const { topic, partitions } of committed) {
        const high = await offsetsOf(topic);
        for (const { partition, offset } of partitions) {
          const h = high.find((x) => x.partition === partition);
          if (!h) continue;
          const done = Number(offset) >= 0 ? Number(offset) : Number(h.low);
          total += Math.max(0, Number(h.high) - done);
        }
      }
      lag[groupId] = total;
    }
    return lag;
  }

  /**
   * Per process name: CPU seconds spent within [from, to] and the peak RSS seen within it. A process
   * started inside the window counts from zero; one gone before its end keeps its last sample.
   */
  summarize(from, to) {
    const inWindow = this.samples.filter((s) => s.at >= from - 1 && s.at <= to + 1);
    const byKey = new Map();
    for (const sample of inWindow) {
      for (const [key, p] of Object.entries(sample.procs)) {
        const entry = byKey.get(key) ?? { name: p.name, first: p, last: p };
        entry.last = p;
        byKey.set(key, entry);
      }
    }
    const cpuSeconds = {};
    for (const { name, first, last } of byKey.values()) {
      const base = first.startedAt >= from ? 0 : first.cpuSeconds;
      cpuSeconds[name] = (cpuSeconds[name] ?? 0) + Math.max(0, last.cpuSeconds - base);
    }
    const peakRssMb = {};
    for (const sample of inWindow) {
      const sums = {};
      for (const p of Object.values(sample.procs)) sums[p.name] = (sums[p.name] ?? 0) + p.rssMb;
      for (const [name, mb] of Object.entries(sums)) peakRssMb[name] = Math.max(peakRssMb[name] ?? 0, mb);
    }
    let maxConsumerLag = 0;
    const maxLagByGroup = {};
    for (const sample of inWindow) {
      for (const [group, n] of Object.entries(sample.lag)) {
        const name = group.slice(this.prefix.length);
        maxLagByGroup[name] = Math.max(maxLagByGroup[name] ?? 0, n);
        maxConsumerLag = Math.max(maxConsumerLag, n);
      }
    }
    const round = (o, digits) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number(v.toFixed(digits))]));
    return { cpuSeconds: round(cpuSeconds, 2), peakRssMb: round(peakRssMb, 0), maxConsumerLag, maxLagByGroup };
  }

  /** The largest lag of any group, per second since `from` (for the chart). */
  lagSeries(from, to) {
    return this.samples
      .filter((s) => s.at >= from && s.at <= to)
      .map((s) => ({ t: Math.round((s.at - from) / 1000), lag: Math.max(0, ...Object.values(s.lag)) }));
  }
}
