import { timeOrderedId } from './time-ordered-id';

describe('a time-ordered id (UUID v7)', () => {
  it('is a version 7, variant 10 UUID carrying the time in milliseconds', () => {
    const at = Date.UTC(2026, 0, 31, 10, 0, 0, 123);
    const id = timeOrderedId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts in the order made, within one millisecond too (as text, as PostgreSQL compares uuids)', () => {
    const at = Date.now() + 60_000;
    const ids = Array.from({ length: 5000 }, () => timeOrderedId(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never goes back when the clock does', () => {
    const first = timeOrderedId(Date.now() + 120_000);
    const after = timeOrderedId(Date.now());
    expect(after > first).toBe(true);
  });
});
