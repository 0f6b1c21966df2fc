import { consumerLag, startingLag } from './messaging.metrics';

describe('consumerLag', () => {
  it('counts the messages from the next one to process up to the high watermark', () => {
    expect(consumerLag('10', '4')).toBe(6);
    expect(consumerLag('10', '10')).toBe(0);
  });

  it('is never negative: a watermark older than what was processed means nothing is waiting', () => {
    expect(consumerLag('10', '12')).toBe(0);
  });

  it('is exact beyond 2^53, where offsets as numbers would not be', () => {
    expect(consumerLag('9007199254740995', '9007199254740993')).toBe(2);
  });
});

describe('startingLag', () => {
  it('counts from the committed offset of the group', () => {
    expect(startingLag({ low: '0', high: '10' }, '7')).toBe(3);
    expect(startingLag({ low: '0', high: '10' }, '10')).toBe(0);
  });

  it('counts from the first offset kept when the group committed none (it reads from the beginning)', () => {
    expect(startingLag({ low: '4', high: '10' }, '-1')).toBe(6);
    expect(startingLag({ low: '4', high: '10' }, undefined)).toBe(6);
  });
});
