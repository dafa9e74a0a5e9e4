import type { Metric, Registry } from 'prom-client';

/** Seconds, from a cached in-memory pick (well under a millisecond) to a command retried on conflicts. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** What a reply's outcome is called on the `code` label: `OK`, or one of these wire error codes. */
const KNOWN_CODES = new Set([
  'VALIDATION_FAILED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'POOL_IN_USE',
  'INTERNAL',
  'NO_HEALTHY_GATEWAY',
  'UNAVAILABLE',
]);

/** Records one request of one endpoint. */
export type RequestRecorder = (code: string, seconds: number) => void;

/** One (subject, code) series: plain numbers on the hot path, turned into samples only when scraped. */
interface Series {
  labels: { subject: string; code: string };
  count: number;
  sum: number;
  /** Observations per bucket, not cumulative; the last slot is above every bound. */
  buckets: Float64Array;
}

interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** The part of prom-client's metric interface a registry reads: what `get()` returns is what it formats. */
function collector(name: string, help: string, type: 'counter' | 'histogram', values: () => Sample[]): Metric {
  return {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
    reset: () => undefined,
  } as unknown as Metric;
}

/**
 * `gwpool_requests_total` and `gwpool_request_duration_seconds`, by subject pattern (the endpoint's, never the concrete
 * subject: its org token would make a series per org) and outcome code. The route.pick path is the hottest in the
 * system, so a request costs two additions and a short bucket search on plain numbers; prom-client's label hashing
 * runs only at scrape time, through two collectors registered on the registry.
 */
export class RequestMetrics {
  private readonly series: Series[] = [];

  constructor(registry: Registry) {
    registry.registerMetric(
      collector(
        'gwpool_requests_total',
        'Requests and events handled, by subject pattern and outcome code (OK or the wire error code).',
        'counter',
        () => this.series.map((s) => ({ labels: s.labels, value: s.count })),
      ),
    );
    registry.registerMetric(
      collector(
        'gwpool_request_duration_seconds',
        'Time from receiving a request to sending its reply (events: to the end of the handler), by subject pattern and outcome code.',
        'histogram',
        () => this.series.flatMap((s) => histogramSamples('gwpool_request_duration_seconds', s)),
      ),
    );
  }

  /** A recorder for one endpoint; unknown codes count as INTERNAL, so the label set stays closed. */
  endpoint(subject: string): RequestRecorder {
    const byCode = new Map<string, Series>();
    const seriesFor = (code: string): Series => {
      let series = byCode.get(code);
      if (!series) {
        series = { labels: { subject, code }, count: 0, sum: 0, buckets: new Float64Array(LATENCY_BUCKETS.length + 1) };
        byCode.set(code, series);
        this.series.push(series);
      }
      return series;
    };
    // The success series exists from the start, so a rate over it is 0 rather than absent.
    const ok = seriesFor('OK');
    return (code, seconds) => {
      const series = code === 'OK' ? ok : seriesFor(KNOWN_CODES.has(code) ? code : 'INTERNAL');
      series.count += 1;
      series.sum += seconds;
      let bucket = 0;
      while (bucket < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[bucket] as number)) bucket += 1;
      (series.buckets[bucket] as number) += 1;
    };
  }
}

function histogramSamples(name: string, series: Series): Sample[] {
  const samples: Sample[] = [];
  let cumulative = 0;
  LATENCY_BUCKETS.forEach((le, i) => {
    cumulative += series.buckets[i] as number;
    samples.push({ labels: { ...series.labels, le }, value: cumulative, metricName: `${name}_bucket` });
  });
  samples.push({ labels: { ...series.labels, le: '+Inf' }, value: series.count, metricName: `${name}_bucket` });
  samples.push({ labels: series.labels, value: series.sum, metricName: `${name}_sum` });
  samples.push({ labels: series.labels, value: series.count, metricName: `${name}_count` });
  return samples;
}
