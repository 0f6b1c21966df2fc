import { parseCommand } from './command';

describe('the users command line', () => {
  it('grants and revokes the operator role by phone', () => {
    expect(parseCommand(['grant-operator', '+919876543210'])).toEqual({ kind: 'grant', role: 'operator', phone: '+919876543210' });
    expect(parseCommand(['revoke-operator', '+919876543210'])).toEqual({ kind: 'revoke', role: 'operator', phone: '+919876543210' });
  });

  it.each([[[]], [['help']], [['--help']]])('shows help for %j', (argv) => {
    expect(parseCommand(argv)).toEqual({ kind: 'help' });
  });

  it.each([
    [['grant-admin', '+919876543210'], /unknown command "grant-admin"/],
    [['grant-operator'], /takes one phone number/],
    [['grant-operator', '+919876543210', 'extra'], /takes one phone number/],
    [['revoke-operator', '9876543210'], /is not a phone/],
  ])('refuses %j', (argv, message) => {
    const command = parseCommand(argv);
    expect(command.kind).toBe('usage-error');
    expect(command.kind === 'usage-error' && command.message).toMatch(message);
  });
});
