import { isVpa, normalizeVpa } from './vpa';

describe('VPA rules', () => {
  it.each(['abc@ok', 'alice@okbank', 'a.b_c-d@PSP1', `${'x'.repeat(256)}@${'y'.repeat(64)}`])('accepts %s', (vpa) => {
    expect(isVpa(vpa)).toBe(true);
  });

  it.each([
    'ab@okbank', // local part shorter than 3
    'alice@o', // psp shorter than 2
    `${'x'.repeat(257)}@okbank`,
    `alice@${'y'.repeat(65)}`,
    'alice@ok.bank', // psp is alphanumeric only
    'al ice@okbank',
    'alice@@okbank',
    'alice',
    '',
  ])('rejects %p', (vpa) => {
    expect(isVpa(vpa)).toBe(false);
  });

  it('normalizes to lowercase', () => {
    expect(normalizeVpa('Alice@OKBank')).toBe('alice@okbank');
  });
});
