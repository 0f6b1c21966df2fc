/**
 * The facts of a chunk to write, in two statements: the new ones (a refund requested, a dispute
 * opened), then the final ones, at most one per subject (a row cannot be upserted twice in one
 * statement; the first final event counts, as it would one by one).
 */
export function splitFacts<F extends { status: string }>(facts: F[], idOf: (fact: F) => string, initial: F['status']) {
  const seen = new Set<string>();
  return {
    opened: facts.filter((f) => f.status === initial),
    finished: facts.filter((f) => f.status !== initial && !seen.has(idOf(f)) && Boolean(seen.add(idOf(f)))),
  };
}
