import parsePrometheusTextFormat, { type ParsedFamily, type ParsedSample } from 'parse-prometheus-text-format';

/** A scrape of a /metrics page, parsed by a Prometheus text-format parser, with lookups by name and labels. */
export class Scrape {
  private constructor(readonly families: ParsedFamily[]) {}

  static parse(text: string): Scrape {
    return new Scrape(parsePrometheusTextFormat(text));
  }

  static async of(url: string): Promise<Scrape> {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    return Scrape.parse(await res.text());
  }

  family(name: string): ParsedFamily | undefined {
    return this.families.find((f) => f.name === name);
  }

  /** The samples of `name` whose labels include `labels`. */
  samples(name: string, labels: Record<string, string> = {}): ParsedSample[] {
    return (this.family(name)?.metrics ?? []).filter((sample) =>
      Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value),
    );
  }

  /**
   * The sum of the matching samples' values; 0 when there are none. For a histogram, its count: the parser folds a
   * labelled histogram into one sample without its labels or count, so the `+Inf` bucket stands for it (which is
   * right only for a histogram with one label set, such as one with just the `service` label).
   */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.samples(name, labels).reduce(
      (sum, s) => sum + Number(s.value ?? s.count ?? s.buckets?.['+Inf'] ?? 0),
      0,
    );
  }
}
