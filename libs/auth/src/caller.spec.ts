import { rolesAt, userIdOf } from './caller';

describe('userIdOf', () => {
  it('keeps a UUID subject as it is, lowercased', () => {
    expect(userIdOf('https://a', '7B0C7F3E-3C1A-4A52-9F57-5F0D7B2F4A10')).toBe('7b0c7f3e-3c1a-4a52-9f57-5f0d7b2f4a10');
  });

  it('makes the same v5 UUID for the same issuer and subject, another for another issuer', () => {
    const id = userIdOf('https://a', 'auth0|1');
    expect(id).toBe(userIdOf('https://a', 'auth0|1'));
    expect(id).not.toBe(userIdOf('https://b', 'auth0|1'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('rolesAt', () => {
  it.each([
    [{ roles: ['operator'] }, 'roles', ['operator']],
    [{ scope: 'a b' }, 'scope', ['a', 'b']],
    [{ realm_access: { roles: ['x', 1] } }, 'realm_access.roles', ['x']],
    [{ roles: { not: 'a list' } }, 'roles', []],
    [{}, 'roles', []],
  ])('reads %j at %s', (claims, path, roles) => {
    expect(rolesAt(claims, path)).toEqual(roles);
  });
});
