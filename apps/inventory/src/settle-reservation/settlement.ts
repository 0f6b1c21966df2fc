import { ReservationStatus } from '../reservation';

export type PaymentOutcome = 'SUCCEEDED' | 'FAILED';

export type Settlement =
  { action: 'COMMIT'; status: 'COMMITTED'; event: 'StockCommitted' } | { action: 'RELEASE'; status: 'RELEASED'; event: 'StockReleased' };

/**
 * What a final payment does to its reservation: only a held reservation moves, exactly once.
 * No reservation (no items, or the payment was never reserved), a rejected one, or one already
 * settled: nothing to do — which also makes a repeated outcome harmless.
 */
export function settlementFor(status: ReservationStatus | undefined, outcome: PaymentOutcome): Settlement | null {
  if (status !== 'RESERVED') return null;
  return outcome === 'SUCCEEDED'
    ? { action: 'COMMIT', status: 'COMMITTED', event: 'StockCommitted' }
    : { action: 'RELEASE', status: 'RELEASED', event: 'StockReleased' };
}
