// Reading the log files of the local broker and Zipkin: their last lines for an error message, and
// whether a line was written since a given offset.

import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

export function tailFile(file, maxLines = 40, maxBytes = 64 * 1024) {
  let fd;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const len = Math.min(size, maxBytes);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    return buf
      .toString('utf8')
      .split('\n')
      .slice(-maxLines - 1)
      .join('\n')
      .trimEnd();
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The tails of `[file, lines]` pairs under a heading each, or `whenEmpty` if none has any. */
export function logTails(files, whenEmpty) {
  const parts = [];
  for (const [file, lines] of files) {
    const tail = tailFile(file, lines);
    if (tail) parts.push(`--- tail of ${file} ---\n${tail}`);
  }
  return parts.join('\n') || whenEmpty;
}

/** True if `file` (from byte `from` on; from 0 if the file got shorter, i.e. rolled) matches. */
export function fileContains(file, regex, from = 0) {
  let fd;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const start = size >= from ? from : 0;
    const buf = Buffer.alloc(Math.min(size - start, 8 * 1024 * 1024));
    readSync(fd, buf, 0, buf.length, start);
    return regex.test(buf.toString('utf8'));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function fileSize(file) {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
