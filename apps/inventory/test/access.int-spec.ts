import { randomUUID } from 'node:crypto';
import { testEnv } from '../../../test/support/env';
import { newOperator, newUser, TestUser } from '../../../test/support/identity';
import { refusal, RefusedCredential, refusedCredentials } from '../../../test/support/refused-tokens';
import { RunningService, startServiceApp } from '../../../test/support/service-app';
import { loadConfig } from '../src/config';
import { InventoryModule } from '../src/inventory.module';

// Who may do what with products (shared/spec/access.md): any signed-in user reads, operators put.
const env = testEnv('inventory_access');
let service: RunningService;
let operator: TestUser;
let user: TestUser;
let credentials: RefusedCredential[];

const path = (sku: string) => `${service.url}/v1/inventory/products/${sku}`;
const get = (sku: string, headers: Record<string, string>) => fetch(path(sku), { headers });
const put = (sku: string, headers: Record<string, string>, body: unknown = { name: 'Tea', stock: 5 }) =>
  fetch(path(sku), { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const newSku = () => `ACCESS-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  const config = loadConfig(env);
  service = await startServiceApp({ config, title: 'Inventory', description: '', module: InventoryModule.forRoot(config) });
  [operator, user, credentials] = await Promise.all([newOperator(), newUser(), refusedCredentials()]);
});

afterAll(async () => {
  await service?.close();
});

describe('who may use the inventory API', () => {
  it('refuses every bad credential with 401, WWW-Authenticate: Bearer and a stable code, on every route', async () => {
    const sku = newSku();
    expect((await put(sku, operator.headers)).status).toBe(201);
    for (const [route, send] of [
      ['GET', (headers: Record<string, string>) => get(sku, headers)],
      ['PUT', (headers: Record<string, string>) => put(sku, headers, { name: 'Stolen', stock: 0 })],
    ] as const) {
      for (const credential of credentials) {
        expect({ route, credential: credential.name, ...(await refusal(await send(credential.headers))) }).toEqual({
          route,
          credential: credential.name,
          status: 401,
          code: credential.code,
          challenge: expect.stringMatching(/^Bearer /),
        });
      }
    }
    // none of the refused puts changed anything
    expect(await (await get(sku, operator.headers)).json()).toMatchObject({ name: 'Tea', stock: 5 });
  });

  it('lets any signed-in user read a product', async () => {
    const sku = newSku();
    expect((await put(sku, operator.headers)).status).toBe(201);
    const response = await get(sku, user.headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sku, name: 'Tea', stock: 5, reserved: 0, available: 5 });
  });

  it('lets only operators put a product: 403 AUTH.FORBIDDEN for a user, who neither creates nor replaces one', async () => {
    const sku = newSku();
    const refused = await put(sku, user.headers);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    expect((await get(sku, user.headers)).status).toBe(404);

    expect((await put(sku, operator.headers)).status).toBe(201);
    expect((await put(sku, user.headers, { name: 'Mine now', stock: 1 })).status).toBe(403);
    const replaced = await put(sku, operator.headers, { name: 'Green tea', stock: 4 });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ name: 'Green tea', stock: 4 });
  });

  it('refuses a user before looking at the body: 403, not 400, for a bad one', async () => {
    expect((await put(newSku(), user.headers, { stock: -1 })).status).toBe(403);
    expect((await put(newSku(), operator.headers, { stock: -1 })).status).toBe(400);
  });

  it('lets anyone read health and the API documentation', async () => {
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${service.url}/docs`)).status).toBe(200);
  });
});
