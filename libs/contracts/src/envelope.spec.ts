import { randomUUID } from 'node:crypto';
import { createEvent, decodeEvent, subjectIdOf } from './envelope';

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
      payerUserId: null,
      payeeUserId: null,
    },
    'payments',
  );

describe('event envelope', () => {
  it('carries id, payment id, type, schema version and time', () => {
    const event = initiated();
    expect(event).toMatchObject({ type: 'PaymentInitiated', schemaVersion: 2, producer: 'payments' });
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
    expect(decodeEvent(JSON.stringify({ ...event, schemaVersion: 3 }))).toEqual({
      ok: false,
      error: 'unsupported schemaVersion 3 for PaymentInitiated',
    });
  });

  it('rejects a payload that breaks its schema, naming the field', () => {
    const event = initiated();
    const broken = { ...event, payload: { ...event.payload, amountPaise: 1.5 } };
    const result = decodeEvent(JSON.stringify(broken));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain('amountPaise');
  });

  it('reads a payment event written before identities (v1) with nobody as its parties', () => {
    const v1: Record<string, unknown> = { ...initiated().payload };
    delete v1.payerUserId;
    delete v1.payeeUserId;
    const event = { ...initiated(), schemaVersion: 1, payload: v1 };
    const result = decodeEvent(JSON.stringify(event));
    expect(result).toEqual({ ok: true, event: { ...event, payload: { ...v1, payerUserId: null, payeeUserId: null } } });
  });

  it('keys a user event by its user and a payment event by its payment', () => {
    const userId = randomUUID();
    const linked = createEvent('VpaLinked', userId, { vpa: 'alice@okbank', linkedAt: new Date().toISOString() }, 'users');
    expect(linked).toMatchObject({ userId, type: 'VpaLinked', schemaVersion: 1 });
    expect('paymentId' in linked).toBe(false);
    expect(subjectIdOf(linked)).toBe(userId);
    const payment = initiated();
    expect(subjectIdOf(payment)).toBe(payment.paymentId);
    expect(decodeEvent(JSON.stringify(linked))).toEqual({ ok: true, event: linked });
  });

  it('rejects an event that names the wrong subject, or two', () => {
    const payment = initiated();
    const { paymentId, ...withoutPayment } = payment;
    expect(decodeEvent(JSON.stringify({ ...withoutPayment, userId: paymentId }))).toEqual({
      ok: false,
      error: 'envelope: a PaymentInitiated names its payment (paymentId) and nothing else',
    });
    expect(decodeEvent(JSON.stringify({ ...payment, userId: randomUUID() })).ok).toBe(false);
    const linked = createEvent('UserDeregistered', randomUUID(), { vpas: [], deregisteredAt: new Date().toISOString() }, 'users');
    expect(decodeEvent(JSON.stringify({ ...linked, paymentId: randomUUID() })).ok).toBe(false);
  });
});
