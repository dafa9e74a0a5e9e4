// Drives a request/reply load from a child process and turns its samples into figures.
import { fileURLToPath } from 'node:url';
import { startClient } from './child.mjs';
import { median, summarize } from './stats.mjs';

const REQUEST_LOAD = fileURLToPath(new URL('../clients/request-load.mjs', import.meta.url));
export const ECHO_RESPONDER = fileURLToPath(new URL('../clients/echo-responder.mjs', import.meta.url));
export const HEARTBEAT_LOAD = fileURLToPath(new URL('../clients/heartbeat-load.mjs', import.meta.url));
export const DETECTION_PROBE = fileURLToPath(new URL('../clients/detection-probe.mjs', import.meta.url));

/** One run: `concurrency` requests in flight from `source` for warmupMs + durationMs. */
export async function requestRun(natsUrl, { source, concurrency, warmupMs, durationMs, name }) {
  const client = startClient(REQUEST_LOAD, { natsUrl, source, concurrency, warmupMs, durationMs, name }, { name });
  const result = await client.done;
  return { ...result, throughput: result.completed / result.seconds };
}

/** Runs of one kind of load, pooled: latency percentiles over all samples, the median run's throughput. */
export class Series {
  constructor(label) {
    this.label = label;
    this.runs = [];
  }

  add(run) {
    this.runs.push(run);
    if (run.errors > 0 || run.failures > 0) {
      console.log(`  ${this.label}: ${run.errors} error replies, ${run.failures} failed requests (${run.firstError})`);
    }
  }

  get summary() {
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
export async function startEcho(natsUrl) {
  const echo = startClient(ECHO_RESPONDER, { natsUrl, subject: 'bench.echo.>' }, { name: 'echo responder' });
  await echo.ready;
  return echo;
}

/** The echo twin of a list of requests: same payloads, a subject of the same shape and length. */
export const echoOf = (items) =>
  items.map(({ subject, body }) => ({ subject: subject.replace(/^gwpool\.v1\./, 'bench.echo.'), body }));

/**
 * The echo's figures at `concurrency`, measured earlier in this benchmark run when a scenario did so,
 * else now, with the items of `items` as payloads.
 */
export async function echoYardstick(ctx, concurrency, items) {
  ctx.yardsticks ??= {};
  if (ctx.yardsticks[concurrency]) return ctx.yardsticks[concurrency];
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
  return ctx.yardsticks[concurrency];
}
