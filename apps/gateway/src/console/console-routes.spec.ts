import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_OWN_PREFIXES, ownerOf } from '../routes';

describe("the gateway's own routes", () => {
  it('are owned by no service: the proxy never forwards them', () => {
    for (const prefix of GATEWAY_OWN_PREFIXES) {
      expect([prefix, ownerOf(prefix)]).toEqual([prefix, undefined]);
      expect([prefix, ownerOf(`${prefix}/anything`)]).toEqual([prefix, undefined]);
    }
  });

  it("are the console's controllers' paths, each under /v1/ops", () => {
    const controllers = readdirSync(__dirname)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
      .flatMap((file) => [...readFileSync(join(__dirname, file), 'utf8').matchAll(/@Controller\('([^']*)'\)/g)].map((m) => `/${m[1]}`));
    expect(controllers.length).toBeGreaterThanOrEqual(3);
    for (const path of controllers) expect(path.startsWith('/v1/ops/')).toBe(true);
  });
});
