// The people of a run, made before anything is measured, through the users service as a client
// would: sign up, sign in, link up to five VPAs. Every system is given the same users (workload.mjs:
// the payers' pool, the blocklisted payers, the payees), each by its own users service, and the load
// generator sends each payment with its payer's token.

import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { holdersFor } from './workload.mjs';

const PASSWORD = 'bench-password-0123';
/** The operator of ours (OPERATOR_PHONES): sets the stock through the API. */
export const OPERATOR_PHONE = '+916000000001';

/** One request to the users service; a network error or a 5xx is tried again a few times. */
async function call(usersUrl, method, path, body, token) {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(`${usersUrl}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status < 500 || attempt >= 5) return { status: response.status, body: text ? JSON.parse(text) : undefined };
    } catch (error) {
      if (attempt >= 5) throw error;
    }
    await sleep(200 * attempt);
  }
}

function expect(what, answer, ...statuses) {
  if (!statuses.includes(answer.status)) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300)}`);
  return answer.body;
}

/** Signs a user up with this phone, signs them in, links the VPAs; returns their token. */
export async function registerUser(usersUrl, { name, phone, vpas }) {
  expect(`sign-up of ${phone}`, await call(usersUrl, 'POST', '/v1/users', { name, phone, password: PASSWORD }), 201);
  const { accessToken } = expect(`sign-in of ${phone}`, await call(usersUrl, 'POST', '/v1/auth/token', { phone, password: PASSWORD }), 200);
  for (const vpa of vpas) {
    expect(`linking ${vpa}`, await call(usersUrl, 'POST', '/v1/users/me/vpas', { vpa }, accessToken), 201);
  }
  return accessToken;
}

/**
 * Registers the run's users (`holdersFor(payerPool, payees)`), `concurrency` at a time, and writes
 * `{ users: [{ token, vpas }] }` to `file` for the load generator. Returns how long it took.
 */
export async function registerHolders({ usersUrl, payerPool, payees, file, concurrency = 16 }) {
  const started = Date.now();
  const holders = holdersFor(payerPool, payees);
  const users = new Array(holders.length);
  let next = 0;
  const worker = async () => {
    for (let u = next++; u < holders.length; u = next++) {
      const phone = `+919${String(u).padStart(9, '0')}`;
      users[u] = { token: await registerUser(usersUrl, { name: `Bench User ${u}`, phone, vpas: holders[u] }), vpas: holders[u] };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  writeFileSync(file, JSON.stringify({ users }));
  return { users: users.length, vpas: users.reduce((n, u) => n + u.vpas.length, 0), seconds: (Date.now() - started) / 1000 };
}

/**
 * What a system answers to three payments it must refuse, none of which creates anything: without a
 * token (401), from a VPA of another user (403), to a VPA nobody holds (422). Recorded in the
 * result, so that a system skipping the checks shows.
 */
export async function probeAccess(paymentsUrl, file) {
  const [first, second] = JSON.parse(readFileSync(file, 'utf8')).users;
  const pay = async (token, payerVpa, payeeVpa) => {
    const response = await fetch(`${paymentsUrl}/v1/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ payerVpa, payeeVpa, amount: '1.00', currency: 'INR', note: 'access-probe' }),
    });
    await response.arrayBuffer();
    return response.status;
  };
  return {
    noToken: await pay(undefined, first.vpas[0], second.vpas[0]),
    notOwned: await pay(first.token, second.vpas[0], first.vpas[1]),
    unknownPayee: await pay(first.token, first.vpas[0], 'nobody.at.all@okbank'),
  };
}

/** The operator's token: a user whose phone is in OPERATOR_PHONES. */
export function registerOperator(usersUrl) {
  return registerUser(usersUrl, { name: 'Bench Operator', phone: OPERATOR_PHONE, vpas: [] });
}
