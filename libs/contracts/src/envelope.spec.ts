import { randomUUID } from 'node:crypto';
import { createEvent, decodeEvent } from './envelope';

const initiated = () =>
  createEvent(
    'PaymentInitiated',
    randomUUID(),
    {
      payerVpa: 'alice@okbank',
      payeeVpa: 'bob@okbank',
      amountPaise: 12550,
      currency: 'INR',
      items: [{ sku: 'SKU-1', quantity: 2 }],
      createdAt: new Date().toISOString(),
    },
    'payments',
  );

describe('event envelope', () => {
  it('carries id, payment id, type, schema version and time', () => {
    const event = initiated();
    expect(event).toMatchObject({ type: 'PaymentInitiated', schemaVersion: 1, producer: 'payments' });
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(event.occurredAt)).not.toBeNaN();
  });

  it('decodes what it encodes', () => {
    const event = initiated();
    expect(decodeEvent(Buffer.from(JSON.stringify(event)))).toEqual({ ok: true, event });
  });

  it.each([
    ['no value', null, /no value/],
    ['not JSON', '{nope', /not JSON/],
    ['no envelope', '{"hello":1}', /envelope/],
  ])('rejects a message with %s', (_name, raw, error) => {
    const result = decodeEvent(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(error);
  });

  it('rejects an unknown type and an unknown version', () => {
    const event = initiated();
    expect(decodeEvent(JSON.stringify({ ...event, type: 'PaymentTeleported' }))).toEqual({
      ok: false,
      error: 'unknown event type PaymentTeleported',
    });
    expect(decodeEvent(JSON.stringify({ ...event, schemaVersion: 2 }))).toEqual({
      ok: false,
      error: 'unsupported schemaVersion 2 for PaymentInitiated',
    });
  });

  it('rejects a payload that breaks its schema, naming the field', () => {
    const event = initiated();
    const broken = { ...event, payload: { ...event.payload, amountPaise: 1.5 } };
    const result = decodeEvent(JSON.stringify(broken));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain('amountPaise');
  });
});
