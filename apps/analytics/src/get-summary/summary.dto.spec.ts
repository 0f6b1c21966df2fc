import { SummaryQuery } from './summary.dto';

const issuesOf = (query: unknown) => {
  const result = SummaryQuery.safeParse(query);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('summary query', () => {
  it('accepts no window, either bound alone, or both', () => {
    expect(SummaryQuery.parse({})).toEqual({});
    expect(SummaryQuery.parse({ from: '2026-11-21T10:00:00Z' })).toEqual({ from: new Date('2026-11-21T10:00:00Z') });
    expect(SummaryQuery.parse({ to: '2026-11-21T15:30:00+05:30' })).toEqual({ to: new Date('2026-11-21T10:00:00Z') });
    expect(issuesOf({ from: '2026-11-21T10:00:00Z', to: '2026-11-22T10:00:00.000Z' })).toEqual([]);
  });

  it('accepts an empty window (from equal to to)', () => {
    expect(issuesOf({ from: '2026-11-21T10:00:00Z', to: '2026-11-21T10:00:00.000Z' })).toEqual([]);
  });

  it('names each bound that is not an ISO-8601 date-time with an offset', () => {
    expect(issuesOf({ from: 'yesterday', to: '2026-11-21T10:00:00Z' })).toEqual(['from']);
    expect(issuesOf({ to: '2026-11-21' })).toEqual(['to']);
    expect(issuesOf({ from: '2026-11-21T10:00:00', to: '2026-02-30T10:00:00Z' })).toEqual(['from', 'to']);
  });

  it('names from when the window runs backwards', () => {
    expect(issuesOf({ from: '2026-11-22T00:00:00Z', to: '2026-11-21T00:00:00Z' })).toEqual(['from']);
  });

  it('rejects parameters it does not know', () => {
    const result = SummaryQuery.safeParse({ since: '2026-11-21T10:00:00Z' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['since'] });
  });
});
