import { fieldErrors } from '@app/platform';
import { InitiatePaymentRequest } from './initiate-payment.dto';

const valid = { payerVpa: 'alice@okbank', payeeVpa: 'bob@okbank', amount: '125.50', currency: 'INR' };

/** The fields a 400 answer would name for a body (empty when the body is valid). */
function offending(body: unknown): string[] {
  const result = InitiatePaymentRequest.safeParse(body);
  return result.success ? [] : fieldErrors(result.error).map((e) => e.field);
}

describe('initiate payment request', () => {
  it('accepts a minimal body, turning the amount into paise and defaulting items to none', () => {
    expect(InitiatePaymentRequest.parse(valid)).toEqual({
      payerVpa: 'alice@okbank',
      payeeVpa: 'bob@okbank',
      amountPaise: 12550,
      currency: 'INR',
      items: [],
    });
  });

  it('keeps the note and the items', () => {
    const parsed = InitiatePaymentRequest.parse({ ...valid, note: 'lunch', items: [{ sku: 'SKU-1', quantity: 2 }] });
    expect(parsed).toMatchObject({ note: 'lunch', items: [{ sku: 'SKU-1', quantity: 2 }] });
  });

  describe('amount', () => {
    it.each([
      ['1', 100],
      ['1.5', 150],
      ['99.99', 9999],
      ['1.00', 100],
      ['100000.00', 10_000_000],
      ['100000', 10_000_000],
    ])('accepts %j as %d paise', (amount, paise) => {
      expect(InitiatePaymentRequest.parse({ ...valid, amount }).amountPaise).toBe(paise);
    });

    it.each([['0.99'], ['100000.01'], ['1.999'], [125.5], ['abc'], ['-1'], [' 1'], ['1 '], [''], ['1.'], ['.5'], ['01'], ['1e3'], [null]])(
      'rejects %j',
      (amount) => {
        expect(offending({ ...valid, amount })).toEqual(['amount']);
      },
    );

    it('is required', () => {
      const body: Partial<typeof valid> = { ...valid };
      delete body.amount;
      expect(offending(body)).toEqual(['amount']);
    });
  });

  describe('VPAs', () => {
    it('accepts a 3-character local part and normalizes case', () => {
      const parsed = InitiatePaymentRequest.parse({ ...valid, payerVpa: 'ABC@OkBank', payeeVpa: 'Bob.Q_1-x@ybl' });
      expect(parsed.payerVpa).toBe('abc@okbank');
      expect(parsed.payeeVpa).toBe('bob.q_1-x@ybl');
    });

    it.each([['ab@okbank'], ['alice@o'], ['alice@ok-bank'], ['alice'], ['alice@@okbank'], ['al ice@okbank'], ['']])(
      'rejects %j',
      (payerVpa) => {
        expect(offending({ ...valid, payerVpa })).toEqual(['payerVpa']);
      },
    );

    it('accepts the longest local part and psp, and rejects one more', () => {
      const longest = `${'a'.repeat(256)}@${'b'.repeat(64)}`;
      expect(offending({ ...valid, payeeVpa: longest })).toEqual([]);
      expect(offending({ ...valid, payeeVpa: `a${longest}` })).toEqual(['payeeVpa']);
      expect(offending({ ...valid, payeeVpa: `${longest}b` })).toEqual(['payeeVpa']);
    });

    it('rejects paying oneself, whatever the case, on payeeVpa', () => {
      expect(offending({ ...valid, payeeVpa: 'ALICE@okbank' })).toEqual(['payeeVpa']);
    });

    it('names the payee as well as other offending fields', () => {
      expect(offending({ ...valid, payeeVpa: 'Alice@OKBANK', amount: '0', currency: 'USD' }).sort()).toEqual([
        'amount',
        'currency',
        'payeeVpa',
      ]);
    });

    it('requires both', () => {
      expect(offending({ amount: '1', currency: 'INR' }).sort()).toEqual(['payeeVpa', 'payerVpa']);
    });
  });

  it('accepts only INR', () => {
    expect(offending({ ...valid, currency: 'inr' })).toEqual(['currency']);
    expect(offending({ ...valid, currency: undefined })).toEqual(['currency']);
  });

  it('accepts a note of 50 characters, not 51', () => {
    expect(offending({ ...valid, note: 'n'.repeat(50) })).toEqual([]);
    expect(offending({ ...valid, note: 'n'.repeat(51) })).toEqual(['note']);
    expect(offending({ ...valid, note: 5 })).toEqual(['note']);
  });

  describe('items', () => {
    const item = (i: number) => ({ sku: `SKU-${i}`, quantity: 1 });

    it('accepts 1 to 20 entries', () => {
      expect(offending({ ...valid, items: [item(1)] })).toEqual([]);
      expect(offending({ ...valid, items: Array.from({ length: 20 }, (_, i) => item(i)) })).toEqual([]);
    });

    it('rejects none and 21', () => {
      expect(offending({ ...valid, items: [] })).toEqual(['items']);
      expect(offending({ ...valid, items: Array.from({ length: 21 }, (_, i) => item(i)) })).toEqual(['items']);
    });

    it('rejects a sku given twice, naming the repeat', () => {
      expect(offending({ ...valid, items: [item(1), item(2), { sku: 'SKU-1', quantity: 3 }] })).toEqual(['items.2.sku']);
    });

    it('names a duplicate and a malformed entry together', () => {
      const items = [item(1), { sku: 'SKU-2', quantity: 0 }, item(1)];
      expect(offending({ ...valid, items }).sort()).toEqual(['items.1.quantity', 'items.2.sku']);
    });

    it.each([
      [{ sku: '', quantity: 1 }, 'items.0.sku'],
      [{ sku: 'a'.repeat(65), quantity: 1 }, 'items.0.sku'],
      [{ sku: 'SKU 1', quantity: 1 }, 'items.0.sku'],
      [{ sku: 'SKU-1', quantity: 0 }, 'items.0.quantity'],
      [{ sku: 'SKU-1', quantity: 1001 }, 'items.0.quantity'],
      [{ sku: 'SKU-1', quantity: 1.5 }, 'items.0.quantity'],
      [{ sku: 'SKU-1', quantity: '1' }, 'items.0.quantity'],
      [{ sku: 'SKU-1' }, 'items.0.quantity'],
      [{ sku: 'SKU-1', quantity: 1, price: 3 }, 'items.0.price'],
    ])('rejects %j as %s', (entry, field) => {
      expect(offending({ ...valid, items: [entry] })).toEqual([field]);
    });

    it('accepts 1000 of one sku and a 64-character sku', () => {
      expect(offending({ ...valid, items: [{ sku: 'a'.repeat(64), quantity: 1000 }] })).toEqual([]);
    });
  });

  it('rejects unknown fields', () => {
    expect(offending({ ...valid, status: 'SUCCEEDED' })).toEqual(['status']);
  });

  it.each([[null], [[]], ['text'], [42], [undefined]])('rejects a body that is not an object: %j', (body) => {
    expect(offending(body)).toEqual(['body']);
  });
});
