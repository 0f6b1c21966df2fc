// The payments the benchmark sends, the same for every system: a deterministic function of the
// payment's index, so two systems (and two runs) get the same mix in the same order.
//   ~85% plain payments (approved), ~5% from a blocklisted payer (FRAUD_REJECTED), ~10% with items,
//   of which about a third name a low-stock product (OUT_OF_STOCK once it runs out).
// Payers come from a pool large enough that the velocity rule (10 per ±60 s window) never fires
// for an honest payer: each pays at most a few times in any two minutes. Every payer and payee VPA
// is linked to a user before the measured window (identities.mjs): five to a user, as the users
// service allows.

/** Blocklisted payers (FRAUD_BLOCKED_VPAS of every system). */
export const BLOCKED_VPAS = Array.from({ length: 10 }, (_, i) => `mallory${i}@okbank`);

/** Products seeded before the load: plenty of stock, and a few with little stock that run out. */
export const PRODUCTS = [
  ...Array.from({ length: 50 }, (_, i) => ({ sku: `SKU-N${i}`, name: `Product ${i}`, stock: 1_000_000 })),
  ...Array.from({ length: 5 }, (_, i) => ({ sku: `SKU-L${i}`, name: `Scarce ${i}`, stock: 40 })),
];
const NORMAL = PRODUCTS.filter((p) => p.sku.startsWith('SKU-N'));
const SCARCE = PRODUCTS.filter((p) => p.sku.startsWith('SKU-L'));
/** Shops paid (the smoke run makes do with fewer, to sign up fewer users). */
export const PAYEES = 500;

/** Small, fast, seedable PRNG (mulberry32): the same index gives the same payment. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many distinct honest payers a run at `rate` payments/s needs (each pays ≤ 4 times per 120 s). */
export function payerPoolFor(rate) {
  return Math.max(1000, Math.ceil(rate * 30));
}

/** A payment's amount: ₹1.00 up to (not including) this, below fraud's high-amount rule. */
const MAX_AMOUNT_PAISE = 500_100;
/** An upper bound on what the closed-loop intake phase can accept per second on any machine this runs on. */
const INTAKE_BOUND_PER_S = 10_000;

/**
 * What each payer is given before anything is measured (paise), so that money never runs out and
 * the ledger refuses nothing in a run: the largest amount times the most payments any one payer can
 * make in it (a blocklisted payer about 0.5% of them all, counted twice over; an honest one at
 * most one in `payerPool`), the intake phase bounded by INTAKE_BOUND_PER_S. The daily limit is
 * raised to the same amount (LEDGER_DAILY_LIMIT): the bench measures throughput, not the limit.
 */
export function fundingPerPayer({ rate, warmupS, durationS, intakeS }, payerPool) {
  const payments = Math.min(rate, 200) * warmupS + rate * durationS + INTAKE_BOUND_PER_S * intakeS;
  const share = Math.max((2 * 0.05) / BLOCKED_VPAS.length, 1 / payerPool);
  return MAX_AMOUNT_PAISE * (Math.ceil(payments * share) + 1);
}

/** Paise as the API's decimal string. */
export const formatPaise = (paise) => `${Math.trunc(paise / 100)}.${String(paise % 100).padStart(2, '0')}`;

const payerVpa = (k) => `payer.${k}@okbank`;
const payeeVpa = (j) => `shop${j}@okbank`;

/** Every payer's VPA: the honest payers of a pool of `payerPool`, and the blocklisted ones. */
export const payersOf = (payerPool) => [...Array.from({ length: payerPool }, (_, k) => payerVpa(k)), ...BLOCKED_VPAS];

/**
 * The users a run registers, each with the VPAs it holds (at most five): the honest payers of a
 * pool of `payerPool`, the blocklisted payers, the `payees`. Every phase draws its payers from the
 * same pool.
 */
export function holdersFor(payerPool, payees = PAYEES) {
  const inFives = (vpas) => Array.from({ length: Math.ceil(vpas.length / 5) }, (_, u) => vpas.slice(u * 5, u * 5 + 5));
  return [
    ...inFives(Array.from({ length: payerPool }, (_, k) => payerVpa(k))),
    ...inFives(BLOCKED_VPAS),
    ...inFives(Array.from({ length: payees }, (_, j) => payeeVpa(j))),
  ];
}

/**
 * The request body of payment `index` of a phase. `phase` is also the payment's note, which is how
 * the harness finds the payments of one phase in the database afterwards.
 */
export function paymentBody(index, phase, payerPool, payees = PAYEES) {
  const rnd = random(index * 2654435761 + phase.length);
  const kind = rnd();
  const amountPaise = 100 + Math.floor(rnd() * (MAX_AMOUNT_PAISE - 100)); // ₹1.00 – ₹5,001.00: below the high-amount rule
  const body = {
    payerVpa: kind < 0.05 ? BLOCKED_VPAS[index % BLOCKED_VPAS.length] : payerVpa(index % payerPool),
    payeeVpa: payeeVpa(index % payees),
    amount: formatPaise(amountPaise),
    currency: 'INR',
    note: phase,
  };
  if (kind >= 0.05 && kind < 0.15) {
    const first = rnd() < 0.33 ? SCARCE[Math.floor(rnd() * SCARCE.length)] : NORMAL[Math.floor(rnd() * NORMAL.length)];
    const items = [{ sku: first.sku, quantity: 1 + Math.floor(rnd() * 3) }];
    if (rnd() < 0.3) {
      const second = NORMAL[Math.floor(rnd() * NORMAL.length)];
      if (second.sku !== first.sku) items.push({ sku: second.sku, quantity: 1 });
    }
    body.items = items;
  }
  return body;
}
