import { FailureReasons, formatPaise } from '@app/contracts';

/** What the summary query returns: counts are bigint and sums numeric, so both arrive as text. */
export interface SummaryRow {
  initiated: string;
  succeeded: string;
  failed: string;
  pending: string;
  succeeded_paise: string;
  failures_by_reason: Record<string, number> | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  refunds_requested: string;
  refunds_succeeded: string;
  refunds_failed: string;
  refunds_pending: string;
  refunded_paise: string;
  disputes_opened: string;
  disputes_resolved_for_payer: string;
  disputes_resolved_for_payee: string;
  disputes_withdrawn: string;
  disputes_pending: string;
}

/**
 * The refunds of the payments in the window, each counted once: requested = succeeded + failed +
 * pending; `refundedVolume` is what the succeeded ones gave back.
 */
export interface RefundsView {
  requested: number;
  succeeded: number;
  failed: number;
  pending: number;
  refundedVolume: string;
}

/** The disputes of the payments in the window, each counted once: opened = the three ways to end + pending (open or under review). */
export interface DisputesView {
  opened: number;
  resolvedForPayer: number;
  resolvedForPayee: number;
  withdrawn: number;
  pending: number;
}

export interface SummaryView {
  initiated: number;
  succeeded: number;
  failed: number;
  pending: number;
  failuresByReason: Record<string, number>;
  succeededVolume: string;
  latencyMs: { p50: number; p95: number; p99: number };
  refunds: RefundsView;
  disputes: DisputesView;
}

export function toSummaryView(row: SummaryRow): SummaryView {
  // Every known reason is always present, so clients never have to tell "none" from "missing".
  const failuresByReason: Record<string, number> = Object.fromEntries(FailureReasons.map((reason) => [reason, 0]));
  for (const [reason, count] of Object.entries(row.failures_by_reason ?? {})) failuresByReason[reason] = Number(count);
  return {
    initiated: wholeNumber(row.initiated),
    succeeded: wholeNumber(row.succeeded),
    failed: wholeNumber(row.failed),
    pending: wholeNumber(row.pending),
    failuresByReason,
    succeededVolume: formatPaise(wholeNumber(row.succeeded_paise)),
    latencyMs: { p50: row.p50 ?? 0, p95: row.p95 ?? 0, p99: row.p99 ?? 0 },
    refunds: {
      requested: wholeNumber(row.refunds_requested),
      succeeded: wholeNumber(row.refunds_succeeded),
      failed: wholeNumber(row.refunds_failed),
      pending: wholeNumber(row.refunds_pending),
      refundedVolume: formatPaise(wholeNumber(row.refunded_paise)),
    },
    disputes: {
      opened: wholeNumber(row.disputes_opened),
      resolvedForPayer: wholeNumber(row.disputes_resolved_for_payer),
      resolvedForPayee: wholeNumber(row.disputes_resolved_for_payee),
      withdrawn: wholeNumber(row.disputes_withdrawn),
      pending: wholeNumber(row.disputes_pending),
    },
  };
}

/** Exact conversion of an integer that PostgreSQL sent as text; refuses rather than rounds. */
export function wholeNumber(text: string): number {
  if (!/^-?\d+$/.test(text)) throw new RangeError(`not an integer: ${text}`);
  const value = BigInt(text);
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`integer beyond the exact range of a number: ${text}`);
  }
  return Number(value);
}
