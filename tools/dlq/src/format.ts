import { DeadLetterRow } from './dead-letter';

/** How much of an error a table row shows; --json shows all of it. */
export const ERROR_WIDTH = 80;

const COLUMNS: Array<[title: string, cell: (row: DeadLetterRow) => string]> = [
  ['ID', (row) => row.id],
  ['FAILED AT', (row) => row.failedAt ?? '-'],
  ['ORIGIN', (row) => origin(row)],
  ['EVENT TYPE', (row) => row.eventType ?? '-'],
  ['PAYMENT ID', (row) => row.paymentId ?? '-'],
  ['ATTEMPTS', (row) => (row.attempts === null ? '-' : String(row.attempts))],
  ['ERROR', (row) => truncate(row.error ?? '-', ERROR_WIDTH)],
];

/** `topic[partition]@offset`, the way kafka tools print a message's position. */
export function origin(row: DeadLetterRow): string {
  if (!row.originTopic) return '-';
  return `${row.originTopic}[${row.originPartition ?? '?'}]@${row.originOffset ?? '?'}`;
}

/** One line, at most `width` characters: errors can be multi-line stack-like texts. */
export function truncate(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

/** A plain-text table, one row per dead letter, columns padded to their widest cell. */
export function formatTable(rows: DeadLetterRow[]): string {
  if (rows.length === 0) return 'no dead letters';
  const cells = [COLUMNS.map(([title]) => title), ...rows.map((row) => COLUMNS.map(([, cell]) => cell(row)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  const lines = cells.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '));
  const services = new Set(rows.map((row) => row.service)).size;
  return [...lines, '', `${rows.length} dead letter(s) in ${services} service(s)`].join('\n');
}

export function formatJson(rows: DeadLetterRow[]): string {
  return JSON.stringify(rows, null, 2);
}
