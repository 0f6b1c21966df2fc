import { z } from 'zod';
import { currentVersion, EVENT_TYPES, EventCatalog, EventVersion, upgradeThrough } from './events';

describe('the event catalog', () => {
  it('lists each type with its versions, oldest first, and producers write the newest', () => {
    for (const type of EVENT_TYPES) {
      const versions = EventCatalog[type].versions.map((v) => v.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(currentVersion(type)).toBe(versions[versions.length - 1]);
    }
  });

  it('says how to upgrade every version but the newest', () => {
    for (const type of EVENT_TYPES) {
      const versions: readonly EventVersion[] = EventCatalog[type].versions;
      versions.slice(0, -1).forEach((v) => expect(v.upgrade).toBeInstanceOf(Function));
    }
  });
});

describe('upgrading a payload through its versions', () => {
  // How a later change would look: v2 splits a name, v3 adds a field with a default.
  const versions: EventVersion[] = [
    {
      version: 1,
      schema: z.object({ name: z.string() }).strict(),
      upgrade: (p: { name: string }) => ({ first: p.name.split(' ')[0], last: p.name.split(' ')[1] ?? '' }),
    },
    { version: 2, schema: z.object({ first: z.string(), last: z.string() }).strict(), upgrade: (p: object) => ({ ...p, title: null }) },
    { version: 3, schema: z.object({ first: z.string(), last: z.string(), title: z.string().nullable() }).strict() },
  ];

  it('brings an old payload to the newest shape, step by step', () => {
    expect(upgradeThrough(versions, 'Renamed', 1, { name: 'Asha Rao' })).toEqual({
      ok: true,
      payload: { first: 'Asha', last: 'Rao', title: null },
    });
    expect(upgradeThrough(versions, 'Renamed', 2, { first: 'Asha', last: 'Rao' })).toEqual({
      ok: true,
      payload: { first: 'Asha', last: 'Rao', title: null },
    });
  });

  it('validates the newest version as it is', () => {
    expect(upgradeThrough(versions, 'Renamed', 3, { first: 'A', last: 'R', title: 'Dr' })).toEqual({
      ok: true,
      payload: { first: 'A', last: 'R', title: 'Dr' },
    });
  });

  it('names the version and field of a payload that breaks its schema', () => {
    expect(upgradeThrough(versions, 'Renamed', 1, { name: 7 })).toEqual({
      ok: false,
      error: expect.stringMatching(/^Renamed v1 payload: name: /),
    });
  });

  it('refuses a version it does not know', () => {
    expect(upgradeThrough(versions, 'Renamed', 4, {})).toEqual({ ok: false, error: 'unsupported schemaVersion 4 for Renamed' });
  });
});
