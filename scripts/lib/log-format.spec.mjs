// How `npm start` shows the services' JSON log lines at a terminal.

import { formatLogLine, lineSplitter, logOutput } from './log-format.mjs';

const line = (entry) => JSON.stringify({ level: 'info', time: '2026-12-01T22:25:41.674Z', service: 'payments', ...entry });

describe('formatLogLine', () => {
  it('shows time of day, level, service, context and message on one line', () => {
    expect(formatLogLine(line({ context: 'NestApplication', msg: 'Nest application successfully started' }))).toBe(
      '22:25:41.674 INFO  payments NestApplication: Nest application successfully started',
    );
  });

  it('adds the trace id of an entry written inside a trace (not the span id)', () => {
    const traced = line({
      level: 'warn',
      msg: 'dead-lettering',
      trace_id: 'ad7052e3a6ebdaacdc3335afc564bf7f',
      span_id: '1234567890abcdef',
    });
    expect(formatLogLine(traced)).toBe('22:25:41.674 WARN  payments dead-lettering trace_id=ad7052e3a6ebdaacdc3335afc564bf7f');
  });

  it('puts the error stack under the entry, indented', () => {
    const err = { type: 'Error', message: 'boom', stack: 'Error: boom\n    at handler (a.js:1:1)' };
    expect(formatLogLine(line({ level: 'error', msg: 'request errored', err }))).toBe(
      '22:25:41.674 ERROR payments request errored\n    Error: boom\n        at handler (a.js:1:1)',
    );
  });

  it('shows type and message of an error without a stack, and an error given as a string', () => {
    expect(formatLogLine(line({ level: 'error', msg: 'failed', err: { type: 'TypeError', message: 'x is undefined' } }))).toBe(
      '22:25:41.674 ERROR payments failed\n    TypeError: x is undefined',
    );
    expect(formatLogLine(line({ level: 'error', msg: 'failed', error: 'ECONNREFUSED' }))).toBe(
      '22:25:41.674 ERROR payments failed\n    ECONNREFUSED',
    );
  });

  it('indents the lines of a message that spans several (a stack logged as the message)', () => {
    expect(formatLogLine(line({ level: 'error', context: 'HttpErrorFilter', msg: 'Error: db down\n    at query (db.js:9:9)' }))).toBe(
      '22:25:41.674 ERROR payments HttpErrorFilter: Error: db down\n        at query (db.js:9:9)',
    );
  });

  it('summarizes a request log line and keeps fields it has no place for, as JSON', () => {
    const entry = line({
      msg: 'request completed',
      req: { method: 'POST', url: '/v1/payments', headers: {} },
      res: { statusCode: 409 },
      responseTime: 12,
      attempt: 2,
    });
    expect(formatLogLine(entry)).toBe('22:25:41.674 INFO  payments request completed POST /v1/payments 409 12ms {"attempt":2}');
  });

  it('leaves the service out when told to (a prefix names it already)', () => {
    expect(formatLogLine(line({ msg: 'ready' }), { service: false })).toBe('22:25:41.674 INFO  ready');
  });

  it("reads pino's default numeric level and epoch time", () => {
    expect(formatLogLine(JSON.stringify({ level: 50, time: Date.UTC(2026, 11, 1, 8, 5, 3, 7), msg: 'down' }))).toBe(
      '08:05:03.007 ERROR down',
    );
  });

  it('colours the level and dims the details when asked to', () => {
    const coloured = formatLogLine(line({ level: 'error', msg: 'down', trace_id: 'abc' }), { color: true });
    expect(coloured).toBe('\x1b[2m22:25:41.674\x1b[0m \x1b[31mERROR\x1b[0m payments down \x1b[2mtrace_id=abc\x1b[0m');
  });

  it('passes every line that is not a JSON log entry through unchanged', () => {
    for (const other of [
      'plain text from a library',
      '',
      '{ not json',
      '[1,2,3]',
      '{"msg":"an object without a level"}',
      'null',
      '(node:123) Warning: something',
    ]) {
      expect(formatLogLine(other)).toBe(other);
    }
  });
});

describe('lineSplitter', () => {
  it('returns whole lines only, keeping the rest for the next chunk', () => {
    const lines = lineSplitter();
    expect(lines.push('{"a":')).toEqual([]);
    expect(lines.push('1}\n{"b"')).toEqual(['{"a":1}']);
    expect(lines.push(':2}\nthree\n\nfour')).toEqual(['{"b":2}', 'three', '']);
    expect(lines.flush()).toEqual(['four']);
    expect(lines.flush()).toEqual([]);
  });

  it('drops the \\r of CRLF line ends', () => {
    const lines = lineSplitter();
    expect(lines.push('one\r\ntwo\r')).toEqual(['one']);
    expect(lines.push('\n')).toEqual(['two']);
  });
});

describe('logOutput', () => {
  it('formats at a terminal unless LOG_FORMAT=json asks for JSON', () => {
    expect(logOutput({ isTTY: true, logFormat: undefined })).toBe('pretty');
    expect(logOutput({ isTTY: true, logFormat: 'pretty' })).toBe('pretty');
    expect(logOutput({ isTTY: true, logFormat: 'json' })).toBe('json');
  });

  it('keeps JSON lines when the output is not a terminal', () => {
    expect(logOutput({ isTTY: false, logFormat: undefined })).toBe('json');
    expect(logOutput({ isTTY: undefined, logFormat: 'pretty' })).toBe('json');
  });

  it('refuses a LOG_FORMAT the services would refuse', () => {
    expect(() => logOutput({ isTTY: true, logFormat: 'yaml' })).toThrow('LOG_FORMAT must be json or pretty, not "yaml"');
  });
});
