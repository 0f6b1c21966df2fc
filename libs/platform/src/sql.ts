/** Placeholders and parameters for a multi-row `VALUES` list: one statement for many rows. */
export function valuesList(rows: unknown[][]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const tuples = rows.map((row) => `(${row.map((value) => `$${params.push(value)}`).join(', ')})`);
  return { sql: tuples.join(', '), params };
}
