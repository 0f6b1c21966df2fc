import { classifyUpstreamError, mayResend } from './forwarding';

describe('mayResend', () => {
  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])('sends %s again, key or not', (method) => {
    expect(mayResend(method, {})).toBe(true);
  });

  it.each(['POST', 'PATCH'])('sends %s again only with an Idempotency-Key', (method) => {
    expect(mayResend(method, {})).toBe(false);
    expect(mayResend(method, { 'idempotency-key': '  ' })).toBe(false);
    expect(mayResend(method, { 'idempotency-key': 'k-1' })).toBe(true);
  });
});

describe('classifyUpstreamError', () => {
  const wrapped = (code: string) =>
    Object.assign(new Error('wrapper'), { code: 'FST_REPLY_FROM_INTERNAL_SERVER_ERROR', cause: Object.assign(new Error(code), { code }) });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'])('a %s is a failed connection', (code) => {
    expect(classifyUpstreamError(wrapped(code))).toBe('connection');
  });

  it('a headers timeout is a timeout, not a failed connection', () => {
    expect(classifyUpstreamError(wrapped('UND_ERR_HEADERS_TIMEOUT'))).toBe('timeout');
  });

  it('anything else is neither', () => {
    expect(classifyUpstreamError(new Error('odd'))).toBe('other');
    expect(classifyUpstreamError(undefined)).toBe('other');
  });
});
