import { createEvent } from './envelope';
import { deregistrationsOf, factsOf, latestPerVpa, supersedes, VpaFact } from './vpa-facts';

const A = '0b9d5c1e-0000-4000-8000-00000000000a';
const B = '0b9d5c1e-0000-4000-8000-00000000000b';
const VPA = 'shared@okbank';
const link = (userId: string, at: number): VpaFact => ({ vpa: VPA, userId, linked: true, at });
const unlink = (userId: string, at: number): VpaFact => ({ vpa: VPA, userId, linked: false, at });

function permutations<T>(list: T[]): T[][] {
  if (list.length <= 1) return [list];
  return list.flatMap((first, i) => permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [first, ...rest]));
}

describe('the newest fact about a VPA', () => {
  it.each<[string, VpaFact[], VpaFact]>([
    ['A links, A unlinks, B links', [link(A, 1), unlink(A, 2), link(B, 3)], link(B, 3)],
    ['A links, A unlinks', [link(A, 1), unlink(A, 2)], unlink(A, 2)],
    ['A links, unlinks, links again', [link(A, 1), unlink(A, 2), link(A, 3)], link(A, 3)],
    ['A, then B, then A again', [link(A, 1), unlink(A, 2), link(B, 3), unlink(B, 4), link(A, 5)], link(A, 5)],
    ['in one millisecond: A links and unlinks', [link(A, 1), unlink(A, 1)], unlink(A, 1)],
    ['in one millisecond: A unlinks, B links', [link(A, 1), unlink(A, 2), link(B, 2)], link(B, 2)],
  ])('is the same in every arrival order: %s', (_name, facts, expected) => {
    for (const order of permutations(facts)) expect(latestPerVpa(order)).toEqual([expected]);
  });

  it('is not replaced by the same fact again', () => {
    expect(supersedes(link(A, 1), link(A, 1))).toBe(false);
    expect(supersedes(unlink(A, 1), unlink(A, 1))).toBe(false);
  });

  it('keeps one fact per VPA', () => {
    const other: VpaFact = { vpa: 'other@okbank', userId: B, linked: true, at: 1 };
    expect(latestPerVpa([link(A, 1), other, unlink(A, 2)])).toEqual([unlink(A, 2), other]);
  });
});

describe('facts of the users service events', () => {
  it('reads a link, an unlink and a de-registration (each of its VPAs unlinked), VPAs in lowercase', () => {
    const at = '2026-11-21T10:00:00.123Z';
    const ms = Date.parse(at);
    const events = [
      createEvent('VpaLinked', A, { vpa: 'Alice@OKBANK', linkedAt: at }, 'users'),
      createEvent('VpaUnlinked', A, { vpa: 'alice@okbank', unlinkedAt: at }, 'users'),
      createEvent('UserDeregistered', B, { vpas: ['bob@okbank', 'bob@ybl'], deregisteredAt: '2026-11-21T15:30:00.123+05:30' }, 'users'),
    ];
    expect(events.flatMap(factsOf)).toEqual([
      { vpa: 'alice@okbank', userId: A, linked: true, at: ms },
      { vpa: 'alice@okbank', userId: A, linked: false, at: ms },
      { vpa: 'bob@okbank', userId: B, linked: false, at: ms },
      { vpa: 'bob@ybl', userId: B, linked: false, at: ms },
    ]);
    expect(deregistrationsOf(events)).toEqual([{ userId: B, at: ms }]);
  });
});
