// Raw peer, inventory: reserves all items of an initiated payment or none, commits the reservation
// of a succeeded payment and releases that of a failed one, in batches. Same tables as the
// service: products, reservations, outbox, processed_events.

import { createEvent, rows, runs, runService, Topics } from './common.mjs';

/** Quantities per sku, in sku order (the order in which product rows are locked). */
function totals(items) {
  const map = new Map();
  for (const { sku, quantity } of items) map.set(sku, (map.get(sku) ?? 0) + quantity);
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Locks the products of these payments in sku order: no two batches wait on each other. */
async function lockProducts(client, itemLists) {
  const skus = [...new Set(itemLists.flatMap((items) => items.map((i) => i.sku)))].sort();
  const { rows: products } = await client.query(
    'SELECT sku, stock, reserved FROM products WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE',
    [skus],
  );
  return new Map(products.map((p) => [p.sku, { ...p, stock0: p.stock, reserved0: p.reserved }]));
}

async function saveProducts(client, products) {
  const changed = [...products.values()].filter((p) => p.stock !== p.stock0 || p.reserved !== p.reserved0);
  if (!changed.length) return;
  await client.query(
    `UPDATE products p SET stock = v.stock, reserved = v.reserved, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS v(sku text, stock int, reserved int) WHERE p.sku = v.sku`,
    [rows(changed.map(({ sku, stock, reserved }) => ({ sku, stock, reserved })))],
  );
}

async function reserve(client, events) {
  const withItems = events.filter((e) => e.payload.items.length > 0);
  if (!withItems.length) return [];
  const products = await lockProducts(
    client,
    withItems.map((e) => e.payload.items),
  );
  const { rows: existing } = await client.query('SELECT payment_id FROM reservations WHERE payment_id = ANY($1::uuid[])', [
    withItems.map((e) => e.paymentId),
  ]);
  const seen = new Set(existing.map((r) => r.payment_id));
  const decided = [];
  for (const e of withItems) {
    if (seen.has(e.paymentId)) continue;
    seen.add(e.paymentId);
    const { items } = e.payload;
    const need = totals(items);
    const unknown = need.filter(([sku]) => !products.has(sku)).map(([sku]) => sku);
    const short = need
      .filter(([sku, q]) => products.has(sku) && products.get(sku).stock - products.get(sku).reserved < q)
      .map(([sku]) => sku);
    if (unknown.length || short.length) {
      const reason = unknown.length ? 'UNKNOWN_SKU' : 'INSUFFICIENT_STOCK';
      decided.push({
        payment_id: e.paymentId,
        status: 'REJECTED',
        items,
        event: createEvent('StockRejected', e.paymentId, { items, reason, skus: unknown.length ? unknown : short }),
      });
    } else {
      for (const [sku, q] of need) products.get(sku).reserved += q;
      decided.push({ payment_id: e.paymentId, status: 'RESERVED', items, event: createEvent('StockReserved', e.paymentId, { items }) });
    }
  }
  await saveProducts(client, products);
  if (decided.length) {
    await client.query(
      `INSERT INTO reservations (payment_id, status, items)
       SELECT payment_id, status, items FROM jsonb_to_recordset($1::jsonb) AS v(payment_id uuid, status text, items jsonb)`,
      [rows(decided.map(({ payment_id, status, items }) => ({ payment_id, status, items })))],
    );
  }
  return decided.map((d) => d.event);
}

async function settle(client, events) {
  const ids = [...new Set(events.map((e) => e.paymentId))].sort();
  const { rows: held } = await client.query(
    "SELECT payment_id, items FROM reservations WHERE payment_id = ANY($1::uuid[]) AND status = 'RESERVED' ORDER BY payment_id FOR UPDATE",
    [ids],
  );
  if (!held.length) return [];
  const reservations = new Map(held.map((r) => [r.payment_id, r.items]));
  const products = await lockProducts(
    client,
    held.map((r) => r.items),
  );
  const settled = [];
  for (const e of events) {
    const items = reservations.get(e.paymentId);
    if (!items) continue;
    reservations.delete(e.paymentId);
    const commit = e.type === 'PaymentSucceeded';
    for (const [sku, q] of totals(items)) {
      const p = products.get(sku);
      p.reserved -= q;
      if (commit) p.stock -= q;
    }
    settled.push({
      payment_id: e.paymentId,
      status: commit ? 'COMMITTED' : 'RELEASED',
      event: createEvent(commit ? 'StockCommitted' : 'StockReleased', e.paymentId, { items }),
    });
  }
  await saveProducts(client, products);
  await client.query(
    `UPDATE reservations r SET status = v.status, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS v(payment_id uuid, status text) WHERE r.payment_id = v.payment_id`,
    [rows(settled.map(({ payment_id, status }) => ({ payment_id, status })))],
  );
  return settled.map((s) => s.event);
}

await runService({
  topics: [Topics.payments],
  types: new Set(['PaymentInitiated', 'PaymentSucceeded', 'PaymentFailed']),
  handle: async (client, events) => {
    const out = [];
    // a payment without items has no reservation to make or settle (its events only enter the inbox)
    const withItems = events.filter((e) => e.payload.items.length > 0);
    for (const run of runs(withItems, (e) => (e.type === 'PaymentInitiated' ? 'reserve' : 'settle'))) {
      out.push(...(await (run.key === 'reserve' ? reserve(client, run.events) : settle(client, run.events))));
    }
    return out;
  },
});
