import { parseCommand, USAGE } from './cli';

describe('parseCommand', () => {
  it.each([[['--help']], [['-h']], [['help']], [['list', '--help']], [['replay', 'all', '-h']]])('%p asks for help', (argv) => {
    expect(parseCommand(argv)).toEqual({ kind: 'help' });
  });

  it('list: every service, as a table', () => {
    expect(parseCommand(['list'])).toEqual({ kind: 'list', service: undefined, json: false });
  });

  it('list: one service, as JSON', () => {
    expect(parseCommand(['list', '--service', 'fraud', '--json'])).toEqual({ kind: 'list', service: 'fraud', json: true });
    expect(parseCommand(['list', '-s', 'fraud'])).toEqual({ kind: 'list', service: 'fraud', json: false });
    expect(parseCommand(['list', '--service=fraud'])).toEqual({ kind: 'list', service: 'fraud', json: false });
  });

  it('replay <id>: the id names its service', () => {
    expect(parseCommand(['replay', 'inventory:2:41'])).toEqual({
      kind: 'replay',
      target: { service: 'inventory', partition: 2, offset: '41' },
      service: 'inventory',
    });
  });

  it('replay all, of every service or of one', () => {
    expect(parseCommand(['replay', 'all'])).toEqual({ kind: 'replay', target: 'all', service: undefined });
    expect(parseCommand(['replay', 'all', '--service', 'analytics'])).toEqual({ kind: 'replay', target: 'all', service: 'analytics' });
  });

  it.each([
    [[], 'no command given'],
    [['show'], 'unknown command "show"'],
    [['list', 'fraud'], 'list takes no arguments'],
    [['list', '--verbose'], "Unknown option '--verbose'"],
    [['list', '--service'], "Option '-s, --service <value>' argument missing"],
    [['list', '--service', 'a.b'], '--service "a.b" is not a service name'],
    [['replay'], 'replay takes one argument'],
    [['replay', 'fraud:0:1', 'fraud:0:2'], 'replay takes one argument'],
    [['replay', 'fraud-0-1'], 'is not a dead-letter id'],
    [['replay', 'fraud:0:1', '--service', 'inventory'], 'belongs to service fraud, not --service inventory'],
    [['replay', 'all', '--json'], '--json is for list only'],
  ])('%p is a usage error: %s', (argv, message) => {
    expect(parseCommand(argv)).toEqual({ kind: 'usage-error', message: expect.stringContaining(message) });
  });
});

describe('USAGE', () => {
  it('names both commands, the id format and why replaying twice is harmless', () => {
    expect(USAGE).toContain('list [--service <name>] [--json]');
    expect(USAGE).toContain('replay <id|all> [--service <name>]');
    expect(USAGE).toContain('<service>:<partition>:<offset>');
    expect(USAGE).toMatch(/consumers dedupe\s+by event id/);
  });
});
