// The token issuer of the test run: an Ed25519 key pair made for this run and its JWKS served on a
// free local port, so that integration tests sign the tokens of the users they need (see
// identity.ts) and the services verify them exactly as they verify the users service's.
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import { freePort, HOST } from '../../scripts/lib/ports.mjs';

export const TEST_ISSUER = 'https://issuer.tests.invalid';

export async function startTestIssuer() {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  const kid = `tests-${Date.now().toString(36)}`;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }] });
  const server = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(jwks);
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, HOST, resolve));
  server.unref();
  return {
    env: {
      AUTH_ISSUER: TEST_ISSUER,
      AUTH_JWKS_URL: `http://${HOST}:${port}/.well-known/jwks.json`,
      TEST_AUTH_PRIVATE_JWK: JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' }),
    },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
