import { DomainError } from '@app/platform';
import { classifyFailure, PermanentMessageError } from './failures';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('classifyFailure', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['an admin shutdown (57P01)', pgError('57P01')],
    ['a connection failure (08006)', pgError('08006')],
    ['a deadlock (40P01)', pgError('40P01')],
    ['a serialization failure (40001)', pgError('40001')],
    ['too many connections (53300)', pgError('53300')],
    ['a wrapped driver error', Object.assign(new Error('query failed'), { driverError: pgError('57P03') })],
    ['a retriable kafkajs error', Object.assign(new Error('leader not available'), { retriable: true })],
  ])('treats %s as transient', (_name, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  it.each([
    ['a PermanentMessageError', new PermanentMessageError('unknown payment')],
    ['a domain error', new DomainError('X.Y', 'no', 'CONFLICT')],
  ])('treats %s as permanent', (_name, error) => {
    expect(classifyFailure(error)).toBe('permanent');
  });

  it.each([
    ['a type error', new TypeError('cannot read properties of undefined')],
    ['a check violation (23514)', pgError('23514')],
    ['a non-error', 'boom'],
  ])('treats %s as unknown: bounded attempts', (_name, error) => {
    expect(classifyFailure(error)).toBe('unknown');
  });
});
