#!/usr/bin/env node
// `npm run demo`: the whole story on a running system (`npm start`), step by step as a new user
// would follow it, printing each request and its answer briefly. Every run makes its own people
// (random phone numbers and VPAs), so it can run again and again. The README's walk-through is the
// same story with curl.
// Every request goes through the gateway, the system's one address, as a client's would.
//   GATEWAY_URL: where the gateway is (http://127.0.0.1:8080 otherwise)

import { spawnSync } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';

const API = (process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');

const tty = process.stdout.isTTY;
const paint = (code, text) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
let steps = 0;
const step = (text) => console.log(`\n${paint('1', `${++steps}. ${text}`)}`);
const brief = (value) => {
  const text = JSON.stringify(value);
  return text && text.length > 160 ? `${text.slice(0, 157)}...` : text;
};

/** One request, printed with its answer; returns { status, body }. */
async function call(method, base, path, { token, body, headers = {}, quiet = false } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: shown as text
  }
  if (!quiet) {
    const colour = response.status < 300 ? '32' : response.status < 500 ? '33' : '31';
    console.log(`   ${paint('36', `${method} ${path}`)}${body ? ` ${brief(body)}` : ''}`);
    console.log(`   → ${paint(colour, response.status)} ${brief(parsed) ?? ''}`);
  }
  return { status: response.status, body: parsed };
}

async function expectStatus(expected, promise) {
  const answer = await promise;
  if (answer.status !== expected) {
    console.error(paint('31', `\n   expected ${expected}, got ${answer.status}: the system does not behave as the story says`));
    process.exit(1);
  }
  return answer.body;
}

/** Waits for an outcome (a VPA just linked is known to payments a moment later), at most ~30 s. */
async function until(what, attempt) {
  for (let tries = 0; tries < 150; tries++) {
    const answer = await attempt(tries === 0);
    if (answer) return answer;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.error(paint('31', `\n   gave up waiting for ${what}`));
  process.exit(1);
}

const run = randomInt(1000, 9999);
const phone = () => `+919${String(randomInt(0, 1e9)).padStart(9, '0')}`;
const person = (name) => ({
  name,
  phone: phone(),
  password: `correct-horse-${randomUUID().slice(0, 8)}`,
  vpa: `${name.split(' ')[0].toLowerCase()}.${run}@okbank`,
});

async function signUp(who) {
  step(`${who.name} registers and logs in`);
  const user = await expectStatus(
    201,
    call('POST', API, '/v1/users', { body: { name: who.name, phone: who.phone, password: who.password } }),
  );
  const { accessToken } = await expectStatus(
    200,
    call('POST', API, '/v1/auth/token', { body: { phone: who.phone, password: who.password } }),
  );
  return { ...who, id: user.id, token: accessToken };
}

async function main() {
  const ready = await fetch(`${API}/health/ready`).then(
    (r) => r.ok,
    () => false,
  );
  if (!ready) {
    console.error(`The gateway is not answering at ${API}: start the system first (npm start).`);
    process.exit(1);
  }
  console.log(paint('1', 'A payment from sign-up to trace, as a new user sees it.'));

  const operator = person('Olga Operator');
  step(`An operator of the bank: registered, then granted the role with the documented command (npm run users -- grant-operator <phone>)`);
  await expectStatus(
    201,
    call('POST', API, '/v1/users', { body: { name: operator.name, phone: operator.phone, password: operator.password } }),
  );
  const grant = spawnSync('npm', ['run', '-s', 'users', '--', 'grant-operator', operator.phone], { encoding: 'utf8' });
  if (grant.status !== 0) {
    console.error(`   the grant failed: ${grant.stderr || grant.stdout}`);
    process.exit(1);
  }
  console.log('   → the role is granted; it is in the next token');
  const { accessToken } = await expectStatus(
    200,
    call('POST', API, '/v1/auth/token', { body: { phone: operator.phone, password: operator.password } }),
  );

  const alice = await signUp(person('Alice Kumar'));
  const bob = await signUp(person('Bob Singh'));

  step('Each links a VPA (UPI address) to their account; the ledger opens a bank account for each');
  await expectStatus(201, call('POST', API, '/v1/users/me/vpas', { token: alice.token, body: { vpa: alice.vpa } }));
  await expectStatus(201, call('POST', API, '/v1/users/me/vpas', { token: bob.token, body: { vpa: bob.vpa } }));

  step('The operator deposits ₹1000.00 into Alice’s account (the ledger learns of the link a moment after it)');
  await until('the ledger to open the account', async (first) => {
    const answer = await call('POST', API, `/v1/ledger/accounts/${alice.vpa}/deposits`, {
      token: accessToken,
      body: { amount: '1000.00', reference: `demo-${run}-opening` },
      quiet: !first,
    });
    if (answer.status === 201 || answer.status === 200) return answer.body;
    if (answer.status !== 404) await expectStatus(201, Promise.resolve(answer));
    if (first) console.log('   (no account yet: retrying until the ledger has opened it)');
    return undefined;
  });
  await expectStatus(200, call('GET', API, `/v1/ledger/accounts/${alice.vpa}`, { token: alice.token }));

  step("Alice checks the address she is about to pay: the holder's name comes back masked");
  await expectStatus(200, call('GET', API, `/v1/vpas/${bob.vpa}`, { token: alice.token }));

  step('Alice pays Bob ₹125.50 (the payments service learns the VPAs from events: a moment after linking)');
  const idempotencyKey = randomUUID();
  const payment = await until('payments to know the VPAs', async (first) => {
    const answer = await call('POST', API, '/v1/payments', {
      token: alice.token,
      headers: { 'idempotency-key': idempotencyKey },
      body: { payerVpa: alice.vpa, payeeVpa: bob.vpa, amount: '125.50', currency: 'INR', note: 'dinner' },
      quiet: !first,
    });
    if (answer.status === 202) return answer.body;
    if (answer.status !== 422 && answer.status !== 403) await expectStatus(202, Promise.resolve(answer));
    if (first) console.log('   (not known yet: retrying until it is)');
    return undefined;
  });

  step('Alice reads her payment until it is final');
  const final = await until('the payment to be final', async () => {
    const answer = await call('GET', API, `/v1/payments/${payment.id}`, { token: alice.token, quiet: true });
    return answer.body?.status && answer.body.status !== 'PENDING' ? answer : undefined;
  });
  console.log(`   GET /v1/payments/${payment.id}\n   → ${final.status} ${brief(final.body)}`);

  step('Its timeline: every step, which service did it, and the trace link');
  const timeline = await expectStatus(200, call('GET', API, `/v1/payments/${payment.id}/timeline`, { token: alice.token, quiet: true }));
  for (const entry of timeline.steps ?? [])
    console.log(
      `   ${entry.at ?? entry.occurredAt}  ${entry.step.padEnd(14)} ${entry.service}${entry.outcome ? `  ${entry.outcome}` : ''}`,
    );
  console.log(`   trace: ${timeline.traceUrl}`);

  step('The money moved: Alice’s statement (newest first) and balance, and Bob’s account');
  const statement = await until('the ledger to post the payment', async () => {
    const answer = await call('GET', API, `/v1/ledger/accounts/${alice.vpa}/entries`, { token: alice.token, quiet: true });
    const entries = answer.body?.data ?? [];
    return final.body.status !== 'SUCCEEDED' || entries.some((e) => e.paymentId === payment.id) ? entries : undefined;
  });
  console.log(`   GET /v1/ledger/accounts/${alice.vpa}/entries`);
  for (const entry of statement)
    console.log(`   ${entry.at}  ${entry.kind.padEnd(14)} ${entry.amount.padStart(9)}  balance ${entry.balanceAfter}`);
  await expectStatus(200, call('GET', API, `/v1/ledger/accounts/${alice.vpa}`, { token: alice.token }));
  await expectStatus(200, call('GET', API, `/v1/ledger/accounts/${bob.vpa}`, { token: bob.token }));

  step('Bob, the payee, reads the payment too, and his notifications');
  await expectStatus(200, call('GET', API, `/v1/payments/${payment.id}`, { token: bob.token }));
  await expectStatus(200, call('GET', API, '/v1/notifications', { token: bob.token }));

  step('Bob refunds ₹25.50 of it (one dish was never served): the ledger holds it on his account, then posts it back to Alice');
  const refund = await expectStatus(
    202,
    call('POST', API, `/v1/payments/${payment.id}/refunds`, {
      token: bob.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { amount: '25.50', reason: 'one dish was never served' },
    }),
  );
  await until('the refund to be final', async () => {
    const answer = await call('GET', API, `/v1/payments/${payment.id}/refunds`, { token: alice.token, quiet: true });
    const found = answer.body?.data?.find((r) => r.id === refund.id);
    return found && found.status !== 'PENDING' ? found : undefined;
  });
  await expectStatus(200, call('GET', API, `/v1/payments/${payment.id}/refunds`, { token: alice.token }));
  await expectStatus(200, call('GET', API, `/v1/payments/${payment.id}`, { token: alice.token }));
  await expectStatus(200, call('GET', API, `/v1/ledger/accounts/${bob.vpa}`, { token: bob.token }));

  step('Alice pays Bob ₹40.00 for a delivery that never comes, and disputes it');
  const second = await expectStatus(
    202,
    call('POST', API, '/v1/payments', {
      token: alice.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { payerVpa: alice.vpa, payeeVpa: bob.vpa, amount: '40.00', currency: 'INR', note: 'delivery' },
    }),
  );
  await until('the second payment to be final', async () => {
    const answer = await call('GET', API, `/v1/payments/${second.id}`, { token: alice.token, quiet: true });
    return answer.body?.status && answer.body.status !== 'PENDING' ? answer : undefined;
  });
  const dispute = await until('the disputes service to know the payment', async (first) => {
    const answer = await call('POST', API, '/v1/disputes', {
      token: alice.token,
      body: { paymentId: second.id, reason: 'NOT_RECEIVED', description: 'The parcel never arrived.' },
      quiet: !first,
    });
    if (answer.status === 201) return answer.body;
    if (answer.status !== 404) await expectStatus(201, Promise.resolve(answer));
    if (first) console.log('   (not known there yet: retrying until it is)');
    return undefined;
  });
  step('Bob sees the dispute and answers in its thread; the operator takes it up and resolves it for Alice');
  await expectStatus(200, call('GET', API, `/v1/disputes/${dispute.id}`, { token: bob.token }));
  await expectStatus(
    201,
    call('POST', API, `/v1/disputes/${dispute.id}/comments`, {
      token: bob.token,
      body: { text: 'The courier says it was delivered.' },
    }),
  );
  await expectStatus(200, call('POST', API, `/v1/disputes/${dispute.id}/review`, { token: accessToken }));
  await expectStatus(
    200,
    call('POST', API, `/v1/disputes/${dispute.id}/resolve`, {
      token: accessToken,
      body: { outcome: 'PAYER', note: 'No proof of delivery.' },
    }),
  );
  step('The dispute made one refund of the disputed amount: the dispute shows it, with its history');
  await until('the dispute’s refund to be final', async () => {
    const answer = await call('GET', API, `/v1/disputes/${dispute.id}`, { token: alice.token, quiet: true });
    return answer.body?.refund && answer.body.refund.status !== 'PENDING' ? answer : undefined;
  });
  await expectStatus(200, call('GET', API, `/v1/disputes/${dispute.id}`, { token: alice.token }));
  await expectStatus(200, call('GET', API, '/v1/notifications', { token: alice.token }));

  const mallory = await signUp(person('Mallory Rao'));
  step("Mallory tries to read Alice's payment and her payments: not hers, so it does not exist for her");
  await expectStatus(404, call('GET', API, `/v1/payments/${payment.id}`, { token: mallory.token }));
  await expectStatus(404, call('GET', API, `/v1/payments?vpa=${alice.vpa}`, { token: mallory.token }));

  step("Mallory tries to pay from Alice's VPA, then to look at the analytics");
  await expectStatus(
    403,
    call('POST', API, '/v1/payments', {
      token: mallory.token,
      body: { payerVpa: alice.vpa, payeeVpa: bob.vpa, amount: '1.00', currency: 'INR' },
    }),
  );
  await expectStatus(403, call('GET', API, '/v1/analytics/summary', { token: mallory.token }));
  await expectStatus(404, call('GET', API, `/v1/ledger/accounts/${alice.vpa}`, { token: mallory.token }));
  await expectStatus(404, call('GET', API, `/v1/disputes/${dispute.id}`, { token: mallory.token }));

  step('No token at all');
  await expectStatus(401, call('GET', API, `/v1/payments/${payment.id}`));

  step('The operator sees everything: the payment, the analytics, and the ledger reconciled (money neither made nor lost)');
  await expectStatus(200, call('GET', API, `/v1/payments/${payment.id}`, { token: accessToken }));
  await expectStatus(200, call('GET', API, '/v1/analytics/summary', { token: accessToken }));
  await expectStatus(200, call('GET', API, '/v1/ledger/reconciliation', { token: accessToken }));

  step('The audit log (operators only): who did what, when, with which result, from where');
  const audit = await expectStatus(200, call('GET', API, `/v1/users/audit?actor=${alice.id}`, { token: accessToken, quiet: true }));
  for (const entry of (audit.data ?? audit.items ?? []).slice(0, 8)) console.log(`   ${brief(entry)}`);

  console.log(`\n${paint('1', 'Done.')} The trace of the payment: ${timeline.traceUrl}`);
}

main().catch((error) => {
  console.error(
    error instanceof TypeError && /fetch failed/.test(error.message)
      ? 'A service is not reachable: is the system running (npm start)?'
      : error,
  );
  process.exit(1);
});
