import { useEffect, useState } from 'react';
import { ApiError, Call, describe, Span } from './api';

/**
 * Each service exports its spans on its own schedule: a trace that is not there yet, or still
 * growing (more spans than at the last look), is asked for again, a few times.
 */
const RETRY_MS = 2000;
const TRIES = 30;

interface Props {
  traceId: string | null;
  traceUrl: string | null;
  call: Call;
}

/** A database query's span: many per step, hidden unless asked for. */
const isQuery = (span: Span) => span.tags?.['db.system'] !== undefined || (span.name ?? '').startsWith('pg.');

interface Row {
  span: Span;
  depth: number;
}

/** Spans in tree order (each under its parent, siblings by start), with their depth. */
function rowsOf(spans: Span[]): Row[] {
  const ids = new Set(spans.map((span) => span.id));
  const children = new Map<string | undefined, Span[]>();
  for (const span of spans) {
    const parent = span.parentId && ids.has(span.parentId) ? span.parentId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const rows: Row[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    const level = (children.get(parent) ?? []).sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    for (const span of level) {
      rows.push({ span, depth });
      walk(span.id, depth + 1);
    }
  };
  walk(undefined, 0);
  return rows;
}

/** The payment's trace from the trace viewer (through the gateway), drawn as a waterfall, with a link to open it there. */
export function TracePanel({ traceId, traceUrl, call }: Props) {
  const [spans, setSpans] = useState<Span[] | null>(null);
  const [status, setStatus] = useState<string>('Loading the trace…');
  const [showQueries, setShowQueries] = useState(false);

  useEffect(() => {
    if (!traceId) return;
    let current = true;
    let timer: number | undefined;
    const load = (attempt: number, seen = 0) => {
      call<{ spans: Span[] }>('GET', `/v1/ops/traces/${traceId}`).then(
        (trace) => {
          if (!current) return;
          setSpans(trace.spans);
          if (trace.spans.length > seen && attempt < TRIES)
            timer = window.setTimeout(() => load(attempt + 1, trace.spans.length), RETRY_MS);
        },
        (failure) => {
          if (!current) return;
          if (failure instanceof ApiError && failure.status === 404 && attempt < TRIES) {
            setStatus('The trace viewer has no spans of this payment yet…');
            timer = window.setTimeout(() => load(attempt + 1), RETRY_MS);
          } else {
            setStatus(describe(failure));
          }
        },
      );
    };
    load(1);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [traceId, call]);

  if (!traceId) {
    return (
      <aside className="trace" aria-label="Trace">
        <h3>Trace</h3>
        <p className="muted">This payment has no trace (tracing was off).</p>
      </aside>
    );
  }
  const start = Math.min(...(spans ?? []).map((s) => s.timestamp ?? Infinity));
  const end = Math.max(...(spans ?? []).map((s) => (s.timestamp ?? 0) + (s.duration ?? 0)));
  const total = Math.max(end - start, 1);
  const services = [...new Set((spans ?? []).map((s) => s.localEndpoint?.serviceName ?? '?'))].sort();
  const queries = (spans ?? []).filter(isQuery).length;
  const shown = (spans ?? []).filter((span) => showQueries || !isQuery(span));
  return (
    <aside className="trace" aria-label="Trace">
      <h3>
        Trace <span className="mono small">{traceId}</span>
      </h3>
      {traceUrl && (
        <a href={traceUrl} target="_blank" rel="noreferrer">
          Open in the trace viewer
        </a>
      )}
      {!spans ? (
        <p className="muted">{status}</p>
      ) : (
        <>
          <p className="services" aria-label="Services in the trace">
            {spans.length} spans from {services.join(', ')}
          </p>
          <label className="small">
            <input type="checkbox" checked={showQueries} onChange={(e) => setShowQueries(e.target.checked)} /> Show the {queries} database
            queries
          </label>
          <ul className="waterfall">
            {rowsOf(shown).map(({ span, depth }) => (
              <li key={span.id} title={`${span.name ?? ''} — ${((span.duration ?? 0) / 1000).toFixed(1)} ms`}>
                <span className="label" style={{ paddingLeft: `${depth * 0.6}em` }}>
                  <b>{span.localEndpoint?.serviceName ?? '?'}</b> {span.name}
                </span>
                <span className="track">
                  <span
                    className={`bar ${span.kind ?? ''}`}
                    style={{
                      left: `${(((span.timestamp ?? start) - start) / total) * 100}%`,
                      width: `${Math.max(((span.duration ?? 0) / total) * 100, 0.5)}%`,
                    }}
                  />
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
