import { decideReservation, totalsBySku } from './reservation-decision';

const product = (sku: string, stock: number, reserved = 0) => ({ sku, stock, reserved });

describe('reservation decision', () => {
  it('reserves when every sku has enough available stock', () => {
    const decision = decideReservation(
      [
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
      ],
      [product('A', 5, 3), product('B', 1)],
    );
    expect(decision).toEqual({ outcome: 'RESERVE' });
  });

  it('counts only what is not already reserved as available', () => {
    expect(decideReservation([{ sku: 'A', quantity: 3 }], [product('A', 5, 3)])).toEqual({
      outcome: 'REJECT',
      reason: 'INSUFFICIENT_STOCK',
      skus: ['A'],
    });
  });

  it('rejects all items when only one of them is short, naming just that one', () => {
    const decision = decideReservation(
      [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 2 },
        { sku: 'C', quantity: 9 },
      ],
      [product('A', 10), product('B', 1), product('C', 9)],
    );
    expect(decision).toEqual({ outcome: 'REJECT', reason: 'INSUFFICIENT_STOCK', skus: ['B'] });
  });

  it('rejects unknown skus, before and regardless of short ones', () => {
    const decision = decideReservation(
      [
        { sku: 'A', quantity: 5 },
        { sku: 'X', quantity: 1 },
        { sku: 'Y', quantity: 1 },
      ],
      [product('A', 1)],
    );
    expect(decision).toEqual({ outcome: 'REJECT', reason: 'UNKNOWN_SKU', skus: ['X', 'Y'] });
  });

  it('adds up repeated lines of one sku before comparing', () => {
    const items = [
      { sku: 'A', quantity: 2 },
      { sku: 'A', quantity: 2 },
    ];
    expect(decideReservation(items, [product('A', 3)])).toMatchObject({ outcome: 'REJECT', skus: ['A'] });
    expect(decideReservation(items, [product('A', 4)])).toEqual({ outcome: 'RESERVE' });
  });

  it('takes exactly the available amount', () => {
    expect(decideReservation([{ sku: 'A', quantity: 4 }], [product('A', 10, 6)])).toEqual({ outcome: 'RESERVE' });
  });
});

describe('totals by sku', () => {
  it('sums quantities per sku in sku order', () => {
    expect(
      totalsBySku([
        { sku: 'b', quantity: 1 },
        { sku: 'A', quantity: 2 },
        { sku: 'b', quantity: 3 },
      ]),
    ).toEqual([
      { sku: 'A', quantity: 2 },
      { sku: 'b', quantity: 4 },
    ]);
  });
});
