import { ALLOWED_TRANSITIONS, canTransition, DisputeStatus, DisputeStatuses, isFinal, NON_FINAL_STATUSES } from './dispute-status';

const every = DisputeStatuses.flatMap((from) => DisputeStatuses.map((to) => [from, to] as [DisputeStatus, DisputeStatus]));
const allowed = new Set([
  'OPEN → UNDER_REVIEW',
  'OPEN → WITHDRAWN',
  'UNDER_REVIEW → RESOLVED_FOR_PAYER',
  'UNDER_REVIEW → RESOLVED_FOR_PAYEE',
  'UNDER_REVIEW → WITHDRAWN',
]);
const name = ([from, to]: [DisputeStatus, DisputeStatus]) => `${from} → ${to}`;

describe('the dispute status machine', () => {
  it('draws exactly the five arrows of the diagram', () => {
    expect(ALLOWED_TRANSITIONS.map((t) => name([...t]))).toEqual([...allowed]);
  });

  it.each(every.filter((pair) => allowed.has(name(pair))))('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  // 25 pairs, 5 allowed: the 20 others, staying put included, are refused.
  it.each(every.filter((pair) => !allowed.has(name(pair))))('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('refuses 20 of the 25 pairs', () => {
    expect(every.filter(([from, to]) => !canTransition(from, to))).toHaveLength(20);
  });

  it('never lets a dispute be resolved before it is reviewed', () => {
    expect(canTransition('OPEN', 'RESOLVED_FOR_PAYER')).toBe(false);
    expect(canTransition('OPEN', 'RESOLVED_FOR_PAYEE')).toBe(false);
  });

  it('calls the resolved and withdrawn statuses final, OPEN and UNDER_REVIEW not', () => {
    expect(DisputeStatuses.filter(isFinal)).toEqual(['RESOLVED_FOR_PAYER', 'RESOLVED_FOR_PAYEE', 'WITHDRAWN']);
    expect(NON_FINAL_STATUSES).toEqual(['OPEN', 'UNDER_REVIEW']);
  });
});
