// Drives a request/reply load from a child process and turns its samples into figures.
import { fileURLToPath } from 'node:url';
import {
  type LoadClient,
  REQUEST_LOAD,
  type RequestItem,
  type RequestLoadConfig,
  type RequestLoadResult,
  startClient,
  startEcho as startEchoClient,
} from '@gwpool/load-clients';
import type { BenchContext } from './context.js';
import { median, summarize } from './stats.js';

// The clients run from the build, next to this file's own build.
const client = (name: string) => fileURLToPath(new URL(`../clients/${name}.js`, import.meta.url));
export { HEARTBEAT_LOAD } from '@gwpool/load-clients';
export const DETECTION_PROBE = client('detection-probe');

export interface RequestRun extends RequestLoadResult {
  throughput: number;
  cpuUsPerRequest?: number;
}

/** One run: `concurrency` requests in flight from `source` for warmupMs + durationMs. */
export async function requestRun(natsUrl: string, options: Omit<RequestLoadConfig, 'natsUrl'>): Promise<RequestRun> {
  const config: RequestLoadConfig = { natsUrl, ...options };
  const load = startClient<RequestLoadConfig, RequestLoadResult>(REQUEST_LOAD, config, { name: options.name });
  const result = await load.done;
  return { ...result, throughput: result.completed / result.seconds };
}

export interface SeriesSummary {
  runs: number;
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  throughput: number;
  cpuUsPerRequest: number;
  throughputs: number[];
  p99s: number[];
  errors: number;
  failures: number;
  requests: number;
}

/** Runs of one kind of load, pooled: latency percentiles over all samples, the median run's throughput. */
export class Series {
  readonly runs: RequestRun[] = [];

  constructor(readonly label: string) {}

  add(run: RequestRun): void {
    this.runs.push(run);
    if (run.errors > 0 || run.failures > 0) {
      console.log(
        `  ${this.label}: ${run.errors} error replies, ${run.failures} failed requests (${run.firstError ?? 'undefined'})`,
      );
    }
  }

  get summary(): SeriesSummary {
    const latency = summarize(this.runs.map((r) => r.samples));
    return {
      runs: this.runs.length,
      ...latency,
      throughput: median(this.runs.map((r) => r.throughput)),
      cpuUsPerRequest: median(this.runs.map((r) => r.cpuUsPerRequest ?? Number.NaN)),
      throughputs: this.runs.map((r) => Math.round(r.throughput)),
      p99s: this.runs.map((r) => summarize([r.samples]).p99),
      errors: this.runs.reduce((n, r) => n + r.errors, 0),
      failures: this.runs.reduce((n, r) => n + r.failures, 0),
      requests: this.runs.reduce((n, r) => n + r.completed, 0),
    };
  }
}

/** The raw NATS echo responder, in a process of its own. */
export const startEcho = (natsUrl: string, credsPath?: string): Promise<LoadClient<unknown>> =>
  startEchoClient({ natsUrl, subject: 'bench.echo.>', ...(credsPath ? { credsPath } : {}) });

/** The echo twin of a list of requests: same payloads, a subject of the same shape and length. */
export const echoOf = (items: readonly RequestItem[]): RequestItem[] =>
  items.map(({ subject, body }) => ({ subject: subject.replace(/^gwpool\.v1\./, 'bench.echo.'), body }));

/**
 * The echo's figures at `concurrency`, measured earlier in this benchmark run when a scenario did so,
 * else now, with the items of `items` as payloads.
 */
export async function echoYardstick(
  ctx: BenchContext,
  concurrency: number,
  items: readonly RequestItem[],
): Promise<SeriesSummary> {
  const known = ctx.yardsticks[concurrency];
  if (known) return known;
  const series = new Series(`echo c${concurrency}`);
  for (let run = 1; run <= ctx.sizes.runs.routing; run += 1) {
    series.add(
      await requestRun(ctx.servers.nats.url, {
        name: `echo c${concurrency}`,
        source: { kind: 'list', items: echoOf(items) },
        concurrency,
        warmupMs: ctx.sizes.warmupMs,
        durationMs: ctx.sizes.durationMs,
      }),
    );
  }
  ctx.yardsticks[concurrency] = series.summary;
  return series.summary;
}
