import type { IncomingMessage } from 'node:http';
import { ConfigError } from './config';
import { logTransport, requestIdOf } from './logging';

describe('LOG_FORMAT', () => {
  it('json writes to stdout without a transport and never looks for pino-pretty', () => {
    const resolve = jest.fn(() => undefined);
    expect(logTransport('json', resolve)).toBeUndefined();
    expect(resolve).not.toHaveBeenCalled();
  });

  it('pretty uses pino-pretty from where it is installed', () => {
    const transport = logTransport('pretty', (name) => `/app/node_modules/${name}/index.js`);
    expect(transport?.target).toBe('/app/node_modules/pino-pretty/index.js');
  });

  it('pretty finds pino-pretty where the development dependencies are installed (this checkout)', () => {
    expect(logTransport('pretty')?.target).toBe(require.resolve('pino-pretty'));
  });

  it('pretty without pino-pretty (a production install) is a configuration error naming LOG_FORMAT and the way out', () => {
    let error: unknown;
    try {
      logTransport('pretty', () => undefined);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('LOG_FORMAT');
    expect(message).toContain('pino-pretty');
    expect(message).toContain('LOG_FORMAT=json');
  });
});

describe('requestIdOf', () => {
  const request = (id?: string) => ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as unknown as IncomingMessage;

  it('keeps a sane X-Request-Id', () => {
    const req = request('gw-1.a_B');
    expect(requestIdOf(req)).toBe('gw-1.a_B');
  });

  it.each([undefined, '', 'has space', 'x'.repeat(129), 'new\nline'])(
    'replaces %j with a new UUID, written back into the headers',
    (id) => {
      const req = request(id);
      const chosen = requestIdOf(req);
      expect(chosen).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(req.headers['x-request-id']).toBe(chosen);
    },
  );
});
