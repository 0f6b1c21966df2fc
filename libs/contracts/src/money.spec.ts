import { formatPaise, parseRupees } from './money';

describe('money', () => {
  it.each([
    ['1', 100],
    ['1.5', 150],
    ['1.05', 105],
    ['99.99', 9999],
    ['125.50', 12550],
    ['100000.00', 10_000_000],
    ['0', 0],
  ])('parses %s as %i paise', (text, paise) => {
    expect(parseRupees(text)).toBe(paise);
  });

  it.each(['', '1.', '.5', '1.999', '-1', '+1', ' 1', '1 ', '01', '1e3', 'abc', '1,00', '0x10', '1.5.0'])('rejects %p', (text) => {
    expect(parseRupees(text)).toBeNull();
  });

  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [150, '1.50'],
    [12550, '125.50'],
    [10_000_000, '100000.00'],
    [-250, '-2.50'],
  ])('formats %i paise as %s', (paise, text) => {
    expect(formatPaise(paise)).toBe(text);
  });

  it('round-trips without floating-point drift', () => {
    for (let paise = 0; paise < 100_000; paise += 7) expect(parseRupees(formatPaise(paise))).toBe(paise);
  });

  it('refuses to format a non-integer', () => {
    expect(() => formatPaise(1.5)).toThrow(RangeError);
  });
});
