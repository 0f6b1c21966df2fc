import { name, password, phone } from './user-rules';

const ok = (schema: { safeParse(value: unknown): { success: boolean } }, value: unknown) => schema.safeParse(value).success;

describe('a phone', () => {
  it.each(['+919876543210', '+916000000000', '+917123456789', '+918999999999'])('accepts %s', (value) => {
    expect(ok(phone, value)).toBe(true);
  });

  it.each([
    ['no country code', '9876543210'],
    ['another country', '+449876543210'],
    ['first digit 5', '+915876543210'],
    ['9 digits', '+91987654321'],
    ['11 digits', '+9198765432101'],
    ['spaces', '+91 9876543210'],
    ['a letter', '+91987654321O'],
    ['a number, not a string', 919876543210],
  ])('refuses %s', (_why, value) => {
    expect(ok(phone, value)).toBe(false);
  });
});

describe('a password', () => {
  it('takes 12 to 128 characters of any kind', () => {
    expect(ok(password, 'a'.repeat(12))).toBe(true);
    expect(ok(password, 'a'.repeat(128))).toBe(true);
    expect(ok(password, 'correct horse battery staple')).toBe(true);
    expect(ok(password, 'pässwörd-ünïcode')).toBe(true);
  });

  it('refuses 11 characters and 129', () => {
    expect(ok(password, 'a'.repeat(11))).toBe(false);
    expect(ok(password, 'a'.repeat(129))).toBe(false);
  });

  it('counts characters, not UTF-16 units: 11 emoji are too few, 128 are enough', () => {
    expect(ok(password, '🔑'.repeat(11))).toBe(false);
    expect(ok(password, '🔑'.repeat(12))).toBe(true);
    expect(ok(password, '🔑'.repeat(128))).toBe(true);
  });
});

describe('a name', () => {
  it('takes 1 to 100 characters', () => {
    expect(ok(name, 'A')).toBe(true);
    expect(ok(name, 'Alice Kumar')).toBe(true);
    expect(ok(name, 'x'.repeat(100))).toBe(true);
  });

  it('refuses empty, blank, 101 characters and NUL', () => {
    expect(ok(name, '')).toBe(false);
    expect(ok(name, '   ')).toBe(false);
    expect(ok(name, 'x'.repeat(101))).toBe(false);
    expect(ok(name, 'Ali\u0000ce')).toBe(false);
  });
});
