import { indiaDay } from './india-day';

describe('the calendar day in India', () => {
  it.each([
    ['2026-03-01T18:29:59.999Z', '2026-03-01'], // 23:59:59.999 IST
    ['2026-03-01T18:30:00.000Z', '2026-03-02'], // midnight IST, still the 1st in UTC
    ['2026-03-02T00:00:00.000Z', '2026-03-02'],
    ['2026-12-31T18:30:00.000Z', '2027-01-01'], // a new year in India first
    ['2028-02-28T18:30:00.000Z', '2028-02-29'], // a leap day
    ['2026-06-15T12:00:00+05:30', '2026-06-15'],
  ])('at %s is %s', (at, day) => {
    expect(indiaDay(new Date(at))).toBe(day);
  });
});
