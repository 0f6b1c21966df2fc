import { DomainError } from './errors';
import { decodeCursor, encodeCursor, page } from './cursor';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const ID = '0b9d5c1e-4a1f-4c7e-9a59-8d3f3e0b1c2d';

describe('cursor paging', () => {
  it('round-trips a position', () => {
    const position = { createdAt: '2026-11-21T10:00:00.123Z', id: ID };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['an id that is not a UUID', raw(['2026-11-21T10:00:00.123Z', 'x'])],
    ['a time the database would not read', raw(['1', ID])],
    ['a time without a zone', raw(['2026-11-21 10:00', ID])],
    ['the wrong shape', raw({ createdAt: '2026-11-21T10:00:00.123Z', id: ID })],
  ])('rejects %s as invalid input naming the cursor', (_, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ kind: 'INVALID', code: 'CURSOR.INVALID' }));
    expect(() => decodeCursor(cursor)).toThrow(DomainError);
  });

  it('returns a next cursor only when there is more', () => {
    const rows = [1, 2, 3].map((n) => ({ createdAt: `2026-11-21T10:00:0${n}.000Z`, id: ID.replace(/.$/, String(n)) }));
    expect(page(rows, 3, (r) => r).nextCursor).toBeNull();
    const first = page(rows, 2, (r) => r);
    expect(first.data).toHaveLength(2);
    expect(decodeCursor(first.nextCursor!)).toEqual(rows[1]);
  });
});
