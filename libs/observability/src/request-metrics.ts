import { Counter, Histogram, type Registry } from 'prom-client';

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

/**
 * `gwpool_requests_total` and `gwpool_request_duration_seconds`, by subject pattern (the endpoint's, never the concrete
 * subject: its org token would make a series per org) and outcome code. Children are bound once per (subject, code),
 * so recording a request is two array walks and no label hashing of our own.
 */
export class RequestMetrics {
  private readonly requests: Counter<'subject' | 'code'>;
  private readonly duration: Histogram<'subject' | 'code'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'gwpool_requests_total',
      help: 'Requests and events handled, by subject pattern and outcome code (OK or the wire error code).',
      labelNames: ['subject', 'code'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'gwpool_request_duration_seconds',
      help: 'Time from receiving a request to sending its reply (events: to the end of the handler), by subject pattern and outcome code.',
      labelNames: ['subject', 'code'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
  }

  /** A recorder for one endpoint; unknown codes count as INTERNAL, so the label set stays closed. */
  endpoint(subject: string): RequestRecorder {
    const bound = new Map<string, { count: () => void; observe: (seconds: number) => void }>();
    const childFor = (code: string) => {
      let child = bound.get(code);
      if (!child) {
        const counter = this.requests.labels(subject, code);
        const histogram = this.duration.labels(subject, code);
        child = { count: () => counter.inc(), observe: (seconds) => histogram.observe(seconds) };
        bound.set(code, child);
      }
      return child;
    };
    // The success series exist from the start, so a rate over them is 0 rather than absent.
    childFor('OK');
    this.requests.labels(subject, 'OK').inc(0);
    return (code, seconds) => {
      const child = childFor(code === 'OK' || KNOWN_CODES.has(code) ? code : 'INTERNAL');
      child.count();
      child.observe(seconds);
    };
  }
}
