import parsePrometheusTextFormat, { MetricFamily, Sample } from 'parse-prometheus-text-format';

export type { MetricFamily, Sample };

/** A scrape, parsed: metric families by name, and the type each family declared. */
export interface Scrape {
  families: Map<string, MetricFamily>;
  types: Map<string, string>;
}

const TYPE_LINE = /^# TYPE (\S+) (\S+)$/;

/**
 * Parses Prometheus' text format into families by name. The parser folds the series of a
 * histogram with labels into one, dropping labels, count and sum (it knows unlabelled histograms
 * only), so a histogram is read as what Prometheus stores: its `_count`, `_sum` and `_bucket`
 * series, each a family of its own here; `types` keeps the declared type of every family.
 */
export function parseScrape(text: string): Scrape {
  const types = new Map<string, string>();
  const lines = text.split('\n').filter((line) => {
    const declared = TYPE_LINE.exec(line);
    if (declared) types.set(declared[1], declared[2]);
    return !(declared && declared[2] === 'histogram');
  });
  // Untyped, a histogram's series of each label set come as families of their own: one family per name again.
  const families = new Map<string, MetricFamily>();
  for (const family of parsePrometheusTextFormat(lines.join('\n'))) {
    const known = families.get(family.name);
    if (known) known.metrics.push(...family.metrics);
    else families.set(family.name, family);
  }
  return { families, types };
}

/** The samples of a family (or a histogram's `_count`, `_sum`, `_bucket`) whose labels include `labels`. */
export function samples(scrape: Scrape, name: string, labels: Record<string, string> = {}): Sample[] {
  return (scrape.families.get(name)?.metrics ?? []).filter((sample) =>
    Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value),
  );
}

/** The sum of the matching samples' values; 0 when none match. */
export function total(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  return samples(scrape, name, labels).reduce((sum, sample) => sum + Number(sample.value ?? 0), 0);
}
