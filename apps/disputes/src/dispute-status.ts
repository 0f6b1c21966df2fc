/**
 * A dispute's status only moves forward (disputes.md):
 *
 *   OPEN ──▶ UNDER_REVIEW ──▶ RESOLVED_FOR_PAYER
 *     │            │     └──▶ RESOLVED_FOR_PAYEE
 *     └────────────┴────────▶ WITHDRAWN
 *
 * The same table is enforced by the database (the disputes_forward_only trigger), whatever the code does.
 */
export const DisputeStatuses = ['OPEN', 'UNDER_REVIEW', 'RESOLVED_FOR_PAYER', 'RESOLVED_FOR_PAYEE', 'WITHDRAWN'] as const;
export type DisputeStatus = (typeof DisputeStatuses)[number];

/** Every move the diagram draws; any other is refused. */
export const ALLOWED_TRANSITIONS: ReadonlyArray<readonly [DisputeStatus, DisputeStatus]> = [
  ['OPEN', 'UNDER_REVIEW'],
  ['OPEN', 'WITHDRAWN'],
  ['UNDER_REVIEW', 'RESOLVED_FOR_PAYER'],
  ['UNDER_REVIEW', 'RESOLVED_FOR_PAYEE'],
  ['UNDER_REVIEW', 'WITHDRAWN'],
];

export function canTransition(from: DisputeStatus, to: DisputeStatus): boolean {
  return ALLOWED_TRANSITIONS.some(([f, t]) => f === from && t === to);
}

/** A final dispute never changes again: no transition, no comment. */
export function isFinal(status: DisputeStatus): boolean {
  return !ALLOWED_TRANSITIONS.some(([from]) => from === status);
}

/** The statuses a payment may have at most one dispute in (the disputes_one_open_per_payment index). */
export const NON_FINAL_STATUSES = DisputeStatuses.filter((status) => !isFinal(status));
