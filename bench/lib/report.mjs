// The outputs of a run: the table printed at the end, and the chart (vega-lite → SVG, no native
// dependencies): throughput and initiation→final latency per second for the three systems.

import * as vega from 'vega';
import { compile } from 'vega-lite';

const SERVICES = ['payments', 'fraud', 'notifications', 'inventory', 'analytics', 'ledger', 'disputes'];
const fmt = (x, digits = 0) => (x === null || x === undefined ? '—' : Number(x).toFixed(digits));

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Markdown tables, ready for the README's Performance section. */
export function formatTables(result) {
  const failed = ['ours', 'naive', 'raw'].filter((s) => result[s]?.error).map((s) => `${s}: FAILED (${result[s].error.split('\n')[0]})`);
  const systems = ['ours', 'naive', 'raw'].filter((s) => result[s] && !result[s].error);
  const main = table(
    [
      'system',
      'completed/s',
      'sent/s',
      'e2e p50 / p95 / p99 ms',
      'accepted/s (intake)',
      'HTTP p50 / p99 ms (intake)',
      'HTTP p99 ms at offered rate',
      'max lag',
      'CPU s (all)',
      'CPU ms / payment',
      'max service RSS MB',
    ],
    systems.map((s) => {
      const r = result[s];
      const e = r.e2eLatencyMs;
      const services = SERVICES.map((svc) => r.peakRssMb?.[svc] ?? 0);
      return [
        s,
        fmt(r.completedPerSec, 1),
        fmt(r.detail.offeredPerSec, 0),
        `${fmt(e.p50)} / ${fmt(e.p95)} / ${fmt(e.p99)}`,
        fmt(r.acceptedPerSec, 0),
        `${fmt(r.httpLatencyMs.p50, 1)} / ${fmt(r.httpLatencyMs.p99, 1)}`,
        fmt(r.detail.e2eHttpLatencyMs.p99, 1),
        fmt(r.maxConsumerLag),
        fmt(r.detail.cpuSecondsTotal, 1),
        fmt(r.detail.cpuMsPerPayment, 2),
        fmt(Math.max(...services)),
      ];
    }),
  );
  const names = [...new Set(systems.flatMap((s) => Object.keys(result[s].cpuSeconds)))];
  const order = [...SERVICES, 'users', 'kafka', 'postgres', 'postgres-server', 'redis', 'loadgen', 'zipkin'].filter((n) =>
    names.includes(n),
  );
  const cost = table(
    ['process', ...systems.map((s) => `${s} CPU s`), ...systems.map((s) => `${s} peak RSS MB`)],
    order.map((n) => [n, ...systems.map((s) => fmt(result[s].cpuSeconds[n], 1)), ...systems.map((s) => fmt(result[s].peakRssMb[n]))]),
  );
  const outcomes = table(
    ['system', 'payments', 'SUCCEEDED', 'FRAUD_REJECTED', 'OUT_OF_STOCK', 'other', 'unfinished'],
    systems.map((s) => {
      const o = result[s].detail.outcomes;
      const other = Object.entries(o)
        .filter(([k]) => !['SUCCEEDED', 'FRAUD_REJECTED', 'OUT_OF_STOCK', 'PENDING'].includes(k))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      return [s, result[s].detail.payments, o.SUCCEEDED ?? 0, o.FRAUD_REJECTED ?? 0, o.OUT_OF_STOCK ?? 0, other || '0', o.PENDING ?? 0];
    }),
  );
  const t = result.tracing;
  const tracing =
    t && (t.off !== null || t.ratio10 !== null || t.always !== null)
      ? table(
          ['ours, tracing', 'completed/s', 'vs off'],
          [
            ['off (OTEL_SDK_DISABLED=true)', t.off],
            ['10% (parentbased_traceidratio 0.1)', t.ratio10],
            ['always on (default)', t.always],
          ].map(([name, v]) => [name, fmt(v, 1), v !== null && t.off ? `${fmt((100 * v) / t.off, 0)}%` : '—']),
        )
      : '';
  return [main, cost, outcomes, tracing, failed.join('\n')].filter(Boolean).join('\n\n');
}

/** One panel: the lines, and a dashed rule where the offered load stops (the drain follows). */
function panel(base, lines, durationS) {
  return {
    width: base.width,
    height: base.height,
    layer: [
      lines,
      {
        data: { values: [{ t: durationS }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
        encoding: { x: { field: 't', type: 'quantitative' } },
      },
    ],
  };
}

/** Throughput and latency over time, one line per system, as an SVG document. */
export async function renderChart(result) {
  const values = [];
  for (const system of ['ours', 'naive', 'raw']) {
    const series = result[system]?.series ?? [];
    const byT = new Map(series.map((p) => [p.t, p]));
    const last = Math.max(-1, ...series.map((p) => p.t));
    for (let t = 0; t <= last; t++) {
      const point = byT.get(t) ?? { t, completed: 0, p50: null, p99: null };
      values.push({ system, t: point.t, metric: 'completed/s', value: point.completed });
      // null where nothing completed: the latency line breaks there rather than bridging the gap
      for (const metric of ['p50', 'p99'])
        values.push({ system, t: point.t, metric, value: point[metric] === null ? null : Math.max(1, point[metric]) });
    }
  }
  const m = result.machine;
  const base = {
    width: 720,
    height: 200,
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'seconds since the load started' },
      color: { field: 'system', type: 'nominal', scale: { domain: ['ours', 'naive', 'raw'] } },
    },
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Payments reaching a final status: ${result.config.rate}/s offered for ${result.config.durationS} s (dashed), then the drain`,
      subtitle: `${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, Kafka ${m.kafka}, PostgreSQL ${m.postgres}, ${m.date}`,
    },
    data: { values },
    vconcat: [
      panel(
        base,
        {
          transform: [{ filter: "datum.metric === 'completed/s'" }],
          mark: { type: 'line', interpolate: 'step-after' },
          encoding: { ...base.encoding, y: { field: 'value', type: 'quantitative', title: 'completed / s' } },
        },
        result.config.durationS,
      ),
      panel(
        base,
        {
          transform: [{ filter: "datum.metric !== 'completed/s'" }],
          mark: { type: 'line', invalid: 'break-paths-show-domains' },
          encoding: {
            ...base.encoding,
            y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: 'initiation → final, ms (log)' },
            strokeDash: { field: 'metric', type: 'nominal', title: 'latency' },
          },
        },
        result.config.durationS,
      ),
    ],
    config: { font: 'sans-serif' },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
