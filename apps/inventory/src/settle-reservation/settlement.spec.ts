import { settlementFor } from './settlement';

describe('settlement of a reservation', () => {
  it('commits a held reservation when the payment succeeds', () => {
    expect(settlementFor('RESERVED', 'SUCCEEDED')).toEqual({ action: 'COMMIT', status: 'COMMITTED', event: 'StockCommitted' });
  });

  it('releases a held reservation when the payment fails', () => {
    expect(settlementFor('RESERVED', 'FAILED')).toEqual({ action: 'RELEASE', status: 'RELEASED', event: 'StockReleased' });
  });

  it.each([undefined, 'REJECTED', 'COMMITTED', 'RELEASED'] as const)('does nothing to a reservation that is %s', (status) => {
    expect(settlementFor(status, 'SUCCEEDED')).toBeNull();
    expect(settlementFor(status, 'FAILED')).toBeNull();
  });
});
