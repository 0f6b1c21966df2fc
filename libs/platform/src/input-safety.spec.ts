import { unsafeFields } from './input-safety';

const fields = (value: unknown) => unsafeFields(value).map((e) => e.field);

describe('strings no service can store', () => {
  it('finds a NUL or a lone surrogate in any value, at any depth, named by its path', () => {
    const body = {
      note: 'a\u0000b',
      payer: 'alice@okbank',
      items: [{ sku: 'ok' }, { sku: 'x\ud800' }, { sku: '\udc00y' }],
      nested: { deeper: [['\u0000']] },
    };
    expect(fields(body)).toEqual(['note', 'items.1.sku', 'items.2.sku', 'nested.deeper.0.0']);
  });

  it('says which of the two it is', () => {
    expect(unsafeFields({ a: '\u0000', b: '\ud83d' })).toEqual([
      { field: 'a', message: 'must not contain a NUL character (\\u0000)' },
      { field: 'b', message: 'must not contain a lone UTF-16 surrogate' },
    ]);
  });

  it('checks keys too, and shows the offending characters escaped', () => {
    expect(unsafeFields({ items: [{ 'sk\u0000u': 1 }], ['\udfff']: 'x' })).toEqual([
      { field: 'items.0.sk\\u0000u', message: 'the field name must not contain a NUL character (\\u0000)' },
      { field: '\\udfff', message: 'the field name must not contain a lone UTF-16 surrogate' },
    ]);
  });

  it('lets surrogate pairs, other control characters and non-strings pass', () => {
    expect(fields({ emoji: '😀 ₹ नमस्ते', pair: '\ud83d\ude00', tab: 'a\tb\u0001', n: 1, b: true, z: null, list: [] })).toEqual([]);
  });

  it('names the value itself by its root', () => {
    expect(fields('\u0000')).toEqual(['body']);
    expect(unsafeFields(['\u0000'], 'query').map((e) => e.field)).toEqual(['0']);
  });

  it('walks a deeply nested body without overflowing the stack', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const [found] = unsafeFields(deep);
    expect(found.field).toMatch(/^0\.0\.0\./);
    expect(found.field.length).toBeLessThanOrEqual(201); // a name is cut short, not echoed whole
  });

  it('names at most ten fields', () => {
    expect(fields(Array.from({ length: 50 }, () => '\u0000'))).toHaveLength(10);
  });
});
