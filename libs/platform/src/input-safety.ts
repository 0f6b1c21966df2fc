// A NUL (PostgreSQL's text cannot hold it), a high surrogate not followed by a low one, or a low one not preceded by a high one.
// eslint-disable-next-line no-control-regex -- the NUL is what it looks for
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE_CHARACTERS = new RegExp(UNSAFE.source, 'g');

/** At most this many fields are named, each in at most this many characters: enough to fix a request, too few to echo a large body back. */
const MAX_REPORTED = 10;
const MAX_NAME = 200;

/** As the error filter's FieldError (not imported: the filter imports this file). */
interface FieldError {
  field: string;
  message: string;
}

interface Path {
  parent?: Path;
  key: string;
}

/** A request whose input holds a string that no service can store or pass on: a 400 naming each field. */
export class UnsafeInputError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'UnsafeInputError';
  }
}

/** What is wrong with a string, or undefined when nothing is. */
function problemOf(text: string): string | undefined {
  if (!UNSAFE.test(text)) return undefined;
  return text.includes('\u0000') ? 'a NUL character (\\u0000)' : 'a lone UTF-16 surrogate';
}

/** A key as it can be shown in an answer: the offending characters written as `\uXXXX`. */
const printable = (key: string) => key.replace(UNSAFE_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const fieldName = (path: Path | undefined, root: string): string => {
  const keys: string[] = [];
  for (let p = path; p; p = p.parent) keys.push(printable(p.key));
  const name = keys.length ? keys.reverse().join('.') : root;
  return name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}…` : name;
};

/**
 * Every string of a parsed JSON value (object keys included, at any depth) that holds a NUL or a
 * lone surrogate, in document order, named by its path (`note`, `items.0.sku`; `root` for the
 * value itself). Walked with a stack of its own, not by recursion: a deeply nested body cannot
 * overflow the call stack. Raw bytes (the gateway's unparsed bodies) are not text and not walked.
 */
export function unsafeFields(value: unknown, root = 'body'): FieldError[] {
  const found: FieldError[] = [];
  const pending: Array<{ value: unknown; path?: Path; isKey?: boolean }> = [{ value }];
  while (pending.length && found.length < MAX_REPORTED) {
    const { value: current, path, isKey } = pending.pop()!;
    if (isKey) {
      const problem = problemOf(path!.key);
      if (problem) found.push({ field: fieldName(path, root), message: `the field name must not contain ${problem}` });
    }
    if (typeof current === 'string') {
      const problem = problemOf(current);
      if (problem) found.push({ field: fieldName(path, root), message: `must not contain ${problem}` });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) pending.push({ value: current[i], path: { parent: path, key: String(i) } });
    } else if (current !== null && typeof current === 'object' && !ArrayBuffer.isView(current)) {
      const entries = Object.entries(current as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        pending.push({ value: child, path: { parent: path, key }, isKey: true });
      }
    }
  }
  return found.slice(0, MAX_REPORTED);
}
