import { invalid } from './errors';

/** Keyset position for newest-first lists: (createdAt, id), opaque to clients. */
export interface CursorPosition {
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

/**
 * Decodes a cursor and checks it holds what this API puts there (an ISO time and a UUID): a forged
 * one is a 400 naming `cursor`, never a database error.
 */
export function decodeCursor(cursor: string): CursorPosition {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof createdAt === 'string' && typeof id === 'string' && ISO_TIME.test(createdAt) && UUID.test(id)) {
      return { createdAt, id };
    }
  } catch {
    // fall through
  }
  throw invalid('CURSOR.INVALID', 'cursor: not a cursor returned by this API', {
    errors: [{ field: 'cursor', message: 'not a cursor returned by this API' }],
  });
}

/** Turns `limit + 1` fetched rows into a page and the cursor of the next one. */
export function page<T>(rows: T[], limit: number, position: (row: T) => CursorPosition) {
  const data = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor(position(data[data.length - 1])) : null;
  return { data, nextCursor };
}
