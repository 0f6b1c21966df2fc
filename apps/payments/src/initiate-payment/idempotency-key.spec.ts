import { DomainError } from '@app/platform';
import { InitiatePaymentRequest } from './initiate-payment.dto';
import { canonicalJson, parseIdempotencyKey, requestHash } from './idempotency-key';

const body = { payerVpa: 'alice@okbank', payeeVpa: 'bob@okbank', amount: '125.50', currency: 'INR', note: 'lunch' };
const hashOf = (raw: unknown) => requestHash(InitiatePaymentRequest.parse(raw));

describe('parseIdempotencyKey', () => {
  it('is optional', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it.each([['a'], ['k'.repeat(255)], ['order-42/retry#1 ~!'], ['550e8400-e29b-41d4-a716-446655440000'], ['has inner space']])(
    'accepts %j as it is',
    (key) => {
      expect(parseIdempotencyKey(key)).toBe(key);
    },
  );

  it.each([[''], ['k'.repeat(256)], ['tab\there'], ['line\nbreak'], ['café'], ['emoji 🙂'], ['\x7F'], [['a', 'b']], [42]])(
    'rejects %j with a 400 naming Idempotency-Key',
    (key) => {
      const error = (() => {
        try {
          parseIdempotencyKey(key);
        } catch (e) {
          return e;
        }
      })() as DomainError;
      expect(error).toBeInstanceOf(DomainError);
      expect(error.kind).toBe('INVALID');
      expect(error.message).toContain('Idempotency-Key');
      expect(error.details).toMatchObject({ errors: [{ field: 'Idempotency-Key' }] });
    },
  );
});

describe('canonicalJson', () => {
  it('sorts the keys of every object, at any depth, and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson([2, 1])).toBe('[2,1]');
  });
});

describe('requestHash', () => {
  const hash = hashOf(body);

  it('is a SHA-256 in hex', () => {
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order of the fields', () => {
    const { note, currency, amount, payeeVpa, payerVpa } = body;
    expect(hashOf({ note, currency, amount, payeeVpa, payerVpa })).toBe(hash);
    const items = [{ sku: 'SKU-1', quantity: 2 }];
    expect(hashOf({ ...body, items: [{ quantity: 2, sku: 'SKU-1' }] })).toBe(hashOf({ ...body, items }));
  });

  it('compares the normalized request: the amount in paise, VPAs in any case', () => {
    expect(hashOf({ ...body, amount: '1.5' })).toBe(hashOf({ ...body, amount: '1.50' }));
    expect(hashOf({ ...body, amount: '100' })).toBe(hashOf({ ...body, amount: '100.00' }));
    expect(hashOf({ ...body, payerVpa: 'ALICE@OkBank', payeeVpa: 'Bob@OKBANK' })).toBe(hash);
  });

  it.each<[string, Record<string, unknown>]>([
    ['another amount', { amount: '125.51' }],
    ['another payee', { payeeVpa: 'carol@okbank' }],
    ['another payer', { payerVpa: 'dave@okbank' }],
    ['another note', { note: 'dinner' }],
    ['no note', { note: undefined }],
    ['items', { items: [{ sku: 'SKU-1', quantity: 1 }] }],
  ])('differs for %s', (_, change) => {
    expect(hashOf({ ...body, ...change })).not.toBe(hash);
  });

  it('counts the order and quantities of items', () => {
    const a = { sku: 'SKU-1', quantity: 1 };
    const b = { sku: 'SKU-2', quantity: 1 };
    expect(hashOf({ ...body, items: [a, b] })).not.toBe(hashOf({ ...body, items: [b, a] }));
    expect(hashOf({ ...body, items: [a] })).not.toBe(hashOf({ ...body, items: [{ ...a, quantity: 2 }] }));
  });

  it('tells an empty note from none', () => {
    expect(hashOf({ ...body, note: '' })).not.toBe(hashOf({ ...body, note: undefined }));
  });
});
