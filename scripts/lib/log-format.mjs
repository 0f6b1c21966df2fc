// The services' JSON log lines as a human reads them at a terminal: `npm start` shows them so
// there (the services themselves always write JSON, which is what a file or a pipe gets).
//
//   12:00:01.123 WARN  payments EventApplier: dead-lettering ... trace_id=ad7052e3a6ebdaacdc3335afc564bf7f
//       Error: the stack, when the entry has one
//
// Lines that are not a JSON log entry pass through unchanged.

const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const COLORS = { trace: 90, debug: 90, info: 32, warn: 33, error: 31, fatal: 31 };
/** Fields shown in their own place (or left out: span_id is in the trace); the others go at the end. */
const SHOWN = new Set([
  'level',
  'time',
  'service',
  'context',
  'msg',
  'message',
  'trace_id',
  'span_id',
  'err',
  'error',
  'req',
  'res',
  'responseTime',
  'pid',
  'hostname',
]);
const INDENT = '    ';

/**
 * Whether `npm start` shows the services' logs formatted ('pretty') or as the JSON lines they
 * are ('json'): formatted only at a terminal, and not when LOG_FORMAT=json asks for JSON.
 */
export function logOutput({ isTTY, logFormat }) {
  if (logFormat !== undefined && logFormat !== '' && logFormat !== 'json' && logFormat !== 'pretty') {
    throw new Error(`LOG_FORMAT must be json or pretty, not "${logFormat}"`);
  }
  return isTTY && logFormat !== 'json' ? 'pretty' : 'json';
}

/**
 * One log line for a human: time of day (UTC, as in the JSON), level, service (unless `service`
 * is false, e.g. when a prefix already names it), context, message, other fields, the trace id;
 * then the error's stack, indented. With `color`, ANSI colours for the level and dim details.
 */
export function formatLogLine(line, { service = true, color = false } = {}) {
  const entry = parseEntry(line);
  if (!entry) return line;
  const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const level = levelName(entry.level);
  const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !SHOWN.has(key)));
  const head = [
    paint(2, timeOfDay(entry.time)),
    paint(COLORS[level] ?? 0, level.toUpperCase().padEnd(5)),
    service && entry.service,
    entry.context && `${entry.context}:`,
    String(entry.msg ?? entry.message ?? ''),
    request(entry),
    Object.keys(rest).length > 0 && JSON.stringify(rest),
    entry.trace_id && paint(2, `trace_id=${entry.trace_id}`),
  ].filter((part) => part !== undefined && part !== false && part !== '' && part !== null);
  const error = errorText(entry.err ?? entry.error);
  return indentFollowing(head.join(' ') + (error ? `\n${error}` : ''));
}

/** The JSON object of a log line (one with a level), or undefined. */
function parseEntry(line) {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry = JSON.parse(line);
    return entry !== null && typeof entry === 'object' && !Array.isArray(entry) && entry.level !== undefined ? entry : undefined;
  } catch {
    return undefined;
  }
}

function levelName(level) {
  return typeof level === 'number' ? (LEVELS[level] ?? `level${level}`) : String(level);
}

/** HH:MM:SS.mmm of an ISO time or epoch milliseconds; '' for anything else. */
function timeOfDay(time) {
  if (typeof time === 'number') return new Date(time).toISOString().slice(11, 23);
  const match = typeof time === 'string' && time.match(/T(\d\d:\d\d:\d\d(?:\.\d+)?)/);
  return match ? match[1] : '';
}

/** pino-http's request line: `GET /v1/payments 503 12ms`. */
function request({ req, res, responseTime }) {
  if (!req?.method && res?.statusCode === undefined) return undefined;
  return [req?.method, req?.url, res?.statusCode, responseTime !== undefined && `${responseTime}ms`]
    .filter((p) => p !== undefined && p !== false)
    .join(' ');
}

/** A serialized error's stack (or type and message), or a string error as it is. */
function errorText(err) {
  if (err === undefined || err === null) return '';
  if (typeof err !== 'object') return String(err);
  return err.stack ?? [err.type, err.message].filter(Boolean).join(': ');
}

/** Indents every line after the first, so that an entry's continuation reads as part of it. */
function indentFollowing(text) {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? line : INDENT + line))
    .join('\n');
}

/**
 * Cuts a stream's chunks into lines: `push(chunk)` returns the lines it completed (without their
 * `\n` or `\r\n`), `flush()` the unfinished last one, if any, when the stream has ended.
 */
export function lineSplitter() {
  let partial = '';
  return {
    push(chunk) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      return lines.map((line) => line.replace(/\r$/, ''));
    },
    flush() {
      const rest = partial;
      partial = '';
      return rest ? [rest.replace(/\r$/, '')] : [];
    },
  };
}
