// route.pick beside the echo under several conditions (scenarios 6 and 8): each condition starts some background
// work in this process, then picks and their echo twins run sequentially and with 64 in flight.
import type { RequestItem } from '@gwpool/load-clients';
import type { BenchContext } from './context.js';
import { echoOf, requestRun, Series, type SeriesSummary } from './load.js';

export const PICK_MODES = [
  { key: 'seq', label: 'sequential', concurrency: 1 },
  { key: 'c64', label: '64 in flight', concurrency: 64 },
] as const;

/** Work running while one condition is measured; what it achieved comes back from `stop`. */
export interface Background<R> {
  stop(): Promise<R>;
}

export interface Condition<R> {
  key: string;
  label: string;
  start?: () => Background<R>;
}

export interface PairedPicks<R> {
  /** Keyed `{pick|echo}.{mode}.{condition}`. */
  series: Map<string, Series>;
  /** What each condition's background work achieved, in run order. */
  backgrounds: R[];
  runs: number;
}

/** `runs` rounds of every condition in turn, each measuring picks and their echo twins in both modes. */
export async function pairedPicks<R>(
  ctx: BenchContext,
  name: string,
  picks: readonly RequestItem[],
  conditions: readonly Condition<R>[],
  afterRun: (run: number, backgrounds: readonly R[]) => void = () => undefined,
): Promise<PairedPicks<R>> {
  const series = new Map<string, Series>();
  const backgrounds: R[] = [];
  const runs = Math.min(3, ctx.sizes.runs.routing);
  for (let run = 1; run <= runs; run += 1) {
    for (const condition of conditions) {
      const background = condition.start?.();
      for (const m of PICK_MODES) {
        for (const [target, items] of [
          ['echo', echoOf(picks)],
          ['pick', picks],
        ] as const) {
          const key = `${target}.${m.key}.${condition.key}`;
          const result = await requestRun(ctx.servers.nats.url, {
            name: `${name} ${target} ${m.key}`,
            source: { kind: 'list', items: [...items] },
            concurrency: m.concurrency,
            warmupMs: ctx.sizes.warmupMs,
            durationMs: ctx.sizes.durationMs,
          });
          const known = series.get(key) ?? new Series(key);
          series.set(key, known);
          known.add(result);
        }
      }
      if (background) backgrounds.push(await background.stop());
    }
    afterRun(run, backgrounds);
  }
  return { series, backgrounds, runs };
}

/** p50 and p99 (and throughput when asked) of the picks of each mode and condition, beside their echo. */
export function pickFigures<R>(
  ctx: BenchContext,
  scenario: string,
  measured: PairedPicks<R>,
  conditions: readonly Condition<R>[],
  { throughput = false } = {},
): void {
  const { series, runs } = measured;
  const summary = (key: string): SeriesSummary => {
    const found = series.get(key);
    if (!found) throw new Error(`no runs of ${key}`);
    return found.summary;
  };
  for (const m of PICK_MODES) {
    for (const condition of conditions) {
      const pick = summary(`pick.${m.key}.${condition.key}`);
      const echo = summary(`echo.${m.key}.${condition.key}`);
      const name = `route.pick, pool of 3, ${m.label}, ${condition.label}`;
      ctx.figure({ scenario, figure: `${name}: p50`, value: pick.p50, unit: 'ms', yardstick: echo.p50, runs });
      ctx.figure({ scenario, figure: `${name}: p99`, value: pick.p99, unit: 'ms', yardstick: echo.p99, runs });
      if (throughput) {
        const value = pick.throughput;
        const figure = `${name}: throughput`;
        ctx.figure({ scenario, figure, value, unit: 'req/s', yardstick: echo.throughput, runs });
      }
      if (pick.errors > 0) ctx.figure({ scenario, figure: `${name}: error replies`, value: pick.errors, unit: '' });
    }
  }
}

/** The pick's throughput against the echo's under `condition`, as a share of the same under `baseline`. */
export function relativeThroughput<R>(
  measured: PairedPicks<R>,
  mode: string,
  condition: string,
  baseline: string,
): number {
  const throughput = (key: string) => measured.series.get(key)?.summary.throughput ?? Number.NaN;
  const ratio = (c: string) => throughput(`pick.${mode}.${c}`) / throughput(`echo.${mode}.${c}`);
  return (ratio(condition) / ratio(baseline)) * 100;
}

export const seriesDetails = (series: Map<string, Series>) =>
  Object.fromEntries([...series].map(([key, s]) => [key, s.summary]));
