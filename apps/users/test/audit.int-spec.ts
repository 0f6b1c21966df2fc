import { Client } from 'pg';
import { createEvent, Topics } from '@app/contracts';
import { eventually } from '../../../test/support/eventually';
import { TestKafka } from '../../../test/support/kafka';
import { runCli } from '../src/cli/run-cli';
import { claimsOf, newPhone, newVpa, UsersApp } from './users-app';

const OPERATOR_PHONE = '+919000000001';

interface Record {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  resource: string | null;
  result: string;
  origin: string | null;
  detail: { [key: string]: unknown };
}
interface AuditPage {
  data: Record[];
  nextCursor: string | null;
}

let users: UsersApp;
let kafka: TestKafka;
let operatorToken: string;

beforeAll(async () => {
  users = await UsersApp.start('users_audit', { OPERATOR_PHONES: `${OPERATOR_PHONE}, +919000000002` });
  const operator = await users.register('Olga Operator', OPERATOR_PHONE);
  operatorToken = await users.token(operator.phone, operator.password);
  kafka = new TestKafka(users.env);
});

afterAll(async () => {
  await users?.close();
  await kafka?.close();
});

function audit(query: string, token = operatorToken) {
  return users.call<AuditPage>('GET', `/v1/users/audit${query}`, { token });
}

/** Every record matching the query, following the cursor to the last page. */
async function allRecords(query: string, limit = 200): Promise<Record[]> {
  const records: Record[] = [];
  let cursor: string | null = null;
  do {
    const separator = query ? '&' : '?';
    const answer = await audit(`${query}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status).toBe(200);
    records.push(...answer.body.data);
    cursor = answer.body.nextCursor;
  } while (cursor);
  return records;
}

const summary = (records: Record[]) =>
  records.map((r) => `${r.action} ${r.result}${r.detail.reason ? ` ${r.detail.reason as string}` : ''}`);

describe('operators', () => {
  it('a phone in OPERATOR_PHONES holds the operator role from registration: in the token, in me, on record', async () => {
    expect(claimsOf(operatorToken).roles).toEqual(['operator']);
    expect((await users.call('GET', '/v1/users/me', { token: operatorToken })).body).toMatchObject({ roles: ['operator'] });
    const grants = (await allRecords('')).filter((r) => r.action === 'role.grant' && r.detail.by === 'OPERATOR_PHONES');
    expect(grants).toEqual([
      expect.objectContaining({ actor: null, result: 'SUCCESS', origin: '127.0.0.1', detail: { role: 'operator', by: 'OPERATOR_PHONES' } }),
    ]);
  });

  it('any other user holds no role, and gets 403 AUTH.FORBIDDEN for the audit log', async () => {
    const user = await users.signedIn();
    expect(claimsOf(user.token).roles).toEqual([]);
    const answer = await audit('', user.token);
    expect(answer).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
    expect((await users.call('GET', '/v1/users/audit')).status).toBe(401);
  });
});

describe('the audit trail', () => {
  it('records every action with who, what, when, result, origin and resource; never a password, token or phone', async () => {
    const started = new Date(Date.now() - 1000).toISOString();
    const alice = await users.register('Alice Kumar');
    const attempt = (password: string) => users.call('POST', '/v1/auth/token', { body: { phone: alice.phone, password } });
    expect((await attempt('not her password')).status).toBe(401);
    const token = await users.token(alice.phone, alice.password);
    const vpa = newVpa('alice');
    await users.call('POST', '/v1/users/me/vpas', { token, body: { vpa } });
    expect((await users.call('POST', '/v1/users/me/vpas', { token, body: { vpa } })).status).toBe(409);
    expect((await users.call('DELETE', `/v1/users/me/vpas/${newVpa('other')}`, { token })).status).toBe(404);
    expect((await users.call('DELETE', `/v1/users/me/vpas/${vpa}`, { token })).status).toBe(204);
    const kept = newVpa('kept');
    await users.call('POST', '/v1/users/me/vpas', { token, body: { vpa: kept } });
    for (let i = 0; i < 5; i++) await attempt(`wrong ${i}`);
    expect((await attempt(alice.password)).status).toBe(429);
    expect((await users.call('DELETE', '/v1/users/me', { token })).status).toBe(204);

    // what alice did, signed in or signing up, newest first
    const hers = await allRecords(`?actor=${alice.id}`);
    expect(summary(hers).reverse()).toEqual([
      'user.register SUCCESS',
      'token.issue SUCCESS',
      'vpa.link SUCCESS',
      'vpa.link FAILURE VPA.TAKEN',
      'vpa.unlink FAILURE VPA.NOT_FOUND',
      'vpa.unlink SUCCESS',
      'vpa.link SUCCESS',
      'vpa.unlink SUCCESS',
      'user.deregister SUCCESS',
    ]);
    for (const record of hers) {
      expect(record).toMatchObject({ actor: alice.id, origin: '127.0.0.1' });
      expect(record.at >= started && record.at <= new Date().toISOString()).toBe(true);
    }
    expect(hers.map((r) => r.resource).reverse()).toEqual([
      `user:${alice.id}`,
      `user:${alice.id}`,
      `vpa:${vpa}`,
      `vpa:${vpa}`,
      expect.stringMatching(/^vpa:other\./),
      `vpa:${vpa}`,
      `vpa:${kept}`,
      `vpa:${kept}`,
      `user:${alice.id}`,
    ]);
    expect(hers[0].detail).toEqual({ vpas: [kept] });

    // refused sign-ins have no actor (nobody was signed in) but name her as the resource, never her phone
    const refusals = (await allRecords(`?from=${started}`)).filter(
      (r) => r.action === 'token.issue' && r.resource === `user:${alice.id}` && r.actor === null,
    );
    expect(summary(refusals).reverse()).toEqual([
      'token.issue FAILURE AUTH.INVALID_CREDENTIALS',
      ...Array(5).fill('token.issue FAILURE AUTH.INVALID_CREDENTIALS'),
      'token.issue FAILURE AUTH.THROTTLED',
    ]);

    const everything = JSON.stringify(await allRecords(''));
    expect(everything).not.toContain(alice.phone);
    expect(everything).not.toContain(alice.phone.slice(3));
    expect(everything).not.toContain(alice.password);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.split('.')[2]);
  });

  it('refuses an unknown phone on record without the phone', async () => {
    const phone = newPhone();
    await users.call('POST', '/v1/auth/token', { body: { phone, password: 'whatever it is' } });
    const records = await allRecords('');
    expect(records.find((r) => r.action === 'token.issue' && r.resource === null)).toMatchObject({ actor: null, result: 'FAILURE' });
    expect(JSON.stringify(records)).not.toContain(phone.slice(3));
  });

  it('pages newest first with a cursor, filtered by actor and by time; reading it is on record', async () => {
    const { id, token } = await users.signedIn('Pat');
    for (let i = 0; i < 4; i++) await users.call('POST', '/v1/users/me/vpas', { token, body: { vpa: newVpa('page') } });
    const all = await allRecords(`?actor=${id}`);
    expect(all).toHaveLength(6); // sign-up, token, four links

    const paged = await allRecords(`?actor=${id}`, 4);
    expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id));
    const first = await audit(`?actor=${id}&limit=4`);
    expect(first.body.data).toHaveLength(4);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    for (let i = 1; i < all.length; i++) expect(all[i - 1].at >= all[i].at).toBe(true);

    // from is inclusive, to exclusive: the two middle records
    const [, second, third] = [...all].reverse();
    const window = await allRecords(`?actor=${id}&from=${encodeURIComponent(second.at)}&to=${encodeURIComponent(all[1].at)}`);
    expect(window.map((r) => r.id)).toEqual(expect.arrayContaining([second.id, third.id]));
    expect(window.map((r) => r.id)).not.toContain(all[0].id);

    const reads = await allRecords(`?actor=${claimsOf(operatorToken).sub as string}`);
    expect(reads.filter((r) => r.action === 'audit.read').length).toBeGreaterThan(3);
    expect(reads[0]).toMatchObject({ action: 'audit.read', resource: 'audit_log', result: 'SUCCESS', origin: '127.0.0.1' });
  });

  it.each([
    ['?cursor=forged', 'cursor'],
    ['?actor=alice', 'actor'],
    ['?from=yesterday', 'from'],
    ['?limit=0', 'limit'],
    ['?colour=red', 'colour'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const answer = await users.call<{ errors: Array<{ field: string }> }>('GET', `/v1/users/audit${query}`, { token: operatorToken });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e) => e.field)).toEqual([field]);
  });

  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    const client = new Client({ connectionString: users.env.DATABASE_URL, options: '-c search_path=users' });
    await client.connect();
    try {
      const [{ count }] = (await client.query<{ count: string }>('SELECT count(*) FROM audit_log')).rows;
      expect(Number(count)).toBeGreaterThan(0);
      await expect(client.query("UPDATE audit_log SET result = 'SUCCESS'")).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(client.query('DELETE FROM audit_log')).rejects.toThrow(/append-only: DELETE refused/);
      await expect(client.query('TRUNCATE audit_log')).rejects.toThrow(/append-only: TRUNCATE refused/);
      const [{ count: after }] = (await client.query<{ count: string }>('SELECT count(*) FROM audit_log')).rows;
      expect(Number(after)).toBeGreaterThanOrEqual(Number(count));
    } finally {
      await client.end();
    }
  });
});

describe("operators' requests to other services", () => {
  it('join the trail from OperatorActed events, at the time they happened, once each however often delivered', async () => {
    const operatorId = claimsOf(operatorToken).sub as string;
    const actedAt = new Date(Date.now() - 5000).toISOString();
    const acted = (resource: string, status: number) =>
      createEvent(
        'OperatorActed',
        operatorId,
        { service: 'inventory', action: 'PUT /v1/inventory/products/:sku', resource, status, origin: '10.0.0.7', actedAt },
        'inventory',
      );
    const event = acted('/v1/inventory/products/SKU-9', 200);
    const refused = acted('/v1/inventory/products/SKU-10', 409);
    const message = (e: typeof event) => ({ key: operatorId, value: JSON.stringify(e) });
    // twice, then another: one key, one partition, so once the last is recorded the copy was handled
    await kafka.send(Topics.OperatorActions, [message(event), message(event), message(refused)]);

    const records = await eventually(async () => {
      const found = (await allRecords(`?actor=${operatorId}`)).filter((r) => r.action === 'operator.request');
      expect(found.map((r) => r.detail.eventId)).toContain(refused.eventId);
      return found;
    });
    expect(records.filter((r) => r.detail.eventId === event.eventId)).toEqual([
      {
        id: expect.any(String),
        at: actedAt,
        actor: operatorId,
        action: 'operator.request',
        resource: 'inventory:/v1/inventory/products/SKU-9',
        result: 'SUCCESS',
        origin: '10.0.0.7',
        detail: { service: 'inventory', route: 'PUT /v1/inventory/products/:sku', status: 200, eventId: event.eventId },
      },
    ]);
    expect(records.find((r) => r.detail.eventId === refused.eventId)).toMatchObject({ result: 'FAILURE', detail: { status: 409 } });
  });
});

describe('the operator command line', () => {
  const io = () => {
    const lines = { out: [] as string[], err: [] as string[] };
    return { lines, io: { out: (text: string) => lines.out.push(text), err: (text: string) => lines.err.push(text) } };
  };

  it('grants and revokes the operator role by phone: in the next token, at once in this service, on record', async () => {
    const bob = await users.signedIn('Bob');
    expect((await audit('', bob.token)).status).toBe(403);

    const grant = io();
    expect(await runCli(['grant-operator', bob.phone], grant.io, users.env)).toBe(0);
    expect(grant.lines.out.join('\n')).toContain(`granted the operator role to user ${bob.id}`);
    expect(grant.lines.out.join('\n')).not.toContain(bob.phone);

    // the token issued before does not carry it; the next one does
    expect((await audit('', bob.token)).status).toBe(403);
    const promoted = await users.token(bob.phone, bob.password);
    expect(claimsOf(promoted).roles).toEqual(['operator']);
    expect((await audit('', promoted)).status).toBe(200);

    const again = io();
    expect(await runCli(['grant-operator', bob.phone], again.io, users.env)).toBe(0);
    expect(again.lines.out.join('\n')).toContain('already has the operator role');

    const revoke = io();
    expect(await runCli(['revoke-operator', bob.phone], revoke.io, users.env)).toBe(0);
    // the promoted token still claims the role; this service asks its own table and refuses at once
    expect((await audit('', promoted)).body).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    expect(claimsOf(await users.token(bob.phone, bob.password)).roles).toEqual([]);

    const changes = (await allRecords('')).filter((r) => r.resource === `user:${bob.id}` && r.action.startsWith('role.'));
    expect(changes.reverse()).toEqual([
      expect.objectContaining({ action: 'role.grant', result: 'SUCCESS', actor: null, detail: { role: 'operator', changed: true } }),
      expect.objectContaining({ action: 'role.grant', result: 'SUCCESS', actor: null, detail: { role: 'operator', changed: false } }),
      expect.objectContaining({ action: 'role.revoke', result: 'SUCCESS', actor: null, detail: { role: 'operator', changed: true } }),
    ]);
    expect(changes.every((r) => /^cli:.+@.+$/.test(r.origin ?? ''))).toBe(true);
  });

  it('says so for a phone nobody registered (exit 1) and for a bad command line (exit 64)', async () => {
    const unknown = io();
    expect(await runCli(['grant-operator', newPhone()], unknown.io, users.env)).toBe(1);
    expect(unknown.lines.err.join('\n')).toMatch(/no registered user has the phone/);
    const usage = io();
    expect(await runCli(['make-admin', '+919876543210'], usage.io, users.env)).toBe(64);
    expect(usage.lines.err.join('\n')).toMatch(/unknown command "make-admin"[\s\S]*usage: npm run users/);
  });
});
