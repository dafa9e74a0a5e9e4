// Scenario 1: route.pick over NATS request/reply against the raw echo yardstick, run by run, interleaved,
// so drift of the machine during the benchmark falls on both alike. Each run also measures pools of 3 against a
// routing-query without metrics (METRICS_PORT unset), for what metrics cost; the order of the two halves alternates.
// Every routing-query measured has first been warmed up (warmRoutingQuery): the figures are those of a running service.
import type { RequestItem } from '@gwpool/load-clients';
import { type BenchContext, fleetOf, stackOf } from '../lib/context.js';
import type { PoolRef } from '../lib/fleet.js';
import { echoOf, requestRun, Series, type SeriesSummary } from '../lib/load.js';
import { warmRoutingQuery } from '../lib/setup.js';
import { cpuSecondsOf } from '../lib/stack.js';
import { summarize } from '../lib/stats.js';

const pickItems = (pools: readonly PoolRef[]): RequestItem[] =>
  pools.map(({ org, poolId }) => ({ subject: `gwpool.v1.${org}.query.route.pick`, body: { poolId } }));

/** Database transactions committed so far on the fleet's database (all services together). */
async function transactions(ctx: BenchContext): Promise<number> {
  const { rows } = await ctx.db.query<{ n: string }>(
    'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()',
  );
  return Number(rows[0]?.n);
}

const POOLS = [
  ['pool3', 'pool of 3'],
  ['pool500', 'pool of 500'],
] as const;

export async function routingScenario(ctx: BenchContext): Promise<Record<string, SeriesSummary>> {
  const { sizes, servers } = ctx;
  const { fleet } = fleetOf(ctx);
  // Shuffled, so consecutive requests hit different orgs and pools, as many callers would.
  const small = pickItems(fleet.smallPools).sort(() => Math.random() - 0.5);
  const big = pickItems(fleet.bigPools);
  const modes = [
    { key: 'seq', label: 'sequential', concurrency: 1 },
    { key: 'c64', label: '64 in flight', concurrency: 64 },
  ];
  const targets = [
    { key: 'echo', items: echoOf(small) },
    { key: 'pool3', items: small },
    { key: 'pool500', items: big },
  ];
  const offTarget = { key: 'pool3off', items: small };
  const series = new Map<string, Series>();
  for (const m of modes) {
    for (const t of [...targets, offTarget]) series.set(`${t.key}.${m.key}`, new Series(`${t.key} ${m.label}`));
  }
  const stack = stackOf(ctx);
  let metricsOn = true;
  const useMetrics = async (on: boolean) => {
    if (on === metricsOn) return;
    await stack.stop('routing-query');
    stack.start('routing-query', on ? {} : { env: { METRICS_PORT: '' } });
    await stack.waitReady('routing-query');
    await warmRoutingQuery(ctx);
    metricsOn = on;
  };

  // The routing-query started with the stack has answered only the setup's few picks so far.
  await warmRoutingQuery(ctx);
  // The idle rate of transactions (services following the log) is subtracted from what the picks add.
  const idleFrom = await transactions(ctx);
  const idleStart = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idleRate = ((await transactions(ctx)) - idleFrom) / ((performance.now() - idleStart) / 1000);
  const loadFrom = await transactions(ctx);
  const loadStart = performance.now();

  for (let run = 1; run <= sizes.runs.routing; run += 1) {
    for (const on of run % 2 === 1 ? [true, false] : [false, true]) {
      await useMetrics(on);
      for (const m of modes) {
        for (const t of on ? targets : [offTarget]) {
          // CPU the responder spent per request: what the service costs beyond a bare NATS reply.
          const responder = t.key === 'echo' ? ctx.echo.pid : stackOf(ctx).get('routing-query').pid;
          const cpuBefore = cpuSecondsOf(responder);
          const result = await requestRun(servers.nats.url, {
            name: `route ${t.key} ${m.key}`,
            source: { kind: 'list', items: t.items },
            concurrency: m.concurrency,
            warmupMs: sizes.warmupMs,
            durationMs: sizes.durationMs,
          });
          result.cpuUsPerRequest = ((cpuSecondsOf(responder) - cpuBefore) * 1e6) / result.issued;
          series.get(`${t.key}.${m.key}`)?.add(result);
          console.log(
            `  run ${run} ${m.label.padEnd(12)} ${t.key.padEnd(7)} ${Math.round(result.throughput)} req/s` +
              `  p99 ${summarize([result.samples]).p99.toFixed(2)} ms`,
          );
        }
      }
    }
  }
  await useMetrics(true);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  // Statistics reach pg_stat_database up to a second late; wait so the last run's count is in.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const loadTransactions = (await transactions(ctx)) - loadFrom - idleRate * (loadSeconds + 1.5);
  const picks = [...series].filter(([key]) => !key.startsWith('echo')).reduce((n, [, s]) => n + s.summary.requests, 0);

  const summaries = Object.fromEntries([...series].map(([key, s]) => [key, s.summary]));
  const summary = (key: string): SeriesSummary => {
    const found = summaries[key];
    if (!found) throw new Error(`no runs of ${key}`);
    return found;
  };
  ctx.yardsticks = { ...ctx.yardsticks, 1: summary('echo.seq'), 64: summary('echo.c64') };
  ctx.details['routing'] = {
    summaries,
    idleTransactionsPerSecond: idleRate,
    extraTransactions: loadTransactions,
    picks,
  };
  for (const m of modes) {
    const echo = summary(`echo.${m.key}`);
    for (const [key, label] of POOLS) {
      const s = summary(`${key}.${m.key}`);
      const name = `route.pick, ${label}, ${m.label}`;
      const runs = s.runs;
      ctx.figure({
        scenario: '1 route.pick',
        figure: `${name}: p50`,
        value: s.p50,
        unit: 'ms',
        yardstick: echo.p50,
        runs,
      });
      ctx.figure({
        scenario: '1 route.pick',
        figure: `${name}: p99`,
        value: s.p99,
        unit: 'ms',
        yardstick: echo.p99,
        runs,
        target: { ratioAtMost: 1.5 },
      });
      ctx.figure({
        scenario: '1 route.pick',
        figure: `${name}: throughput`,
        value: s.throughput,
        unit: 'req/s',
        yardstick: echo.throughput,
        runs,
        target: { ratioAtLeast: 0.65 },
      });
    }
  }
  for (const m of modes) {
    const echo = summary(`echo.${m.key}`);
    const on = series.get(`pool3.${m.key}`)?.runs ?? [];
    const off = series.get(`pool3off.${m.key}`)?.runs ?? [];
    // Per run, the two halves ran back to back: the cost is 1 - on/off, the echo of the run cancelling out.
    const costs = on.map((r, i) => 100 * (1 - r.throughput / (off[i]?.throughput ?? Number.NaN))).sort((a, b) => a - b);
    const offSummary = summary(`pool3off.${m.key}`);
    ctx.figure({
      scenario: '1 route.pick',
      figure: `route.pick, pool of 3, ${m.label}, metrics off: throughput`,
      value: offSummary.throughput,
      unit: 'req/s',
      yardstick: echo.throughput,
      runs: offSummary.runs,
    });
    const median = costs[Math.floor(costs.length / 2)] ?? Number.NaN;
    ctx.figure({
      scenario: '1 route.pick',
      figure: `metrics cost to route.pick throughput, pool of 3, ${m.label} (runs: ${costs.map((c) => c.toFixed(1)).join(', ')} %)`,
      value: median,
      unit: '%',
      text: `${median.toFixed(1)} %`,
      runs: costs.length,
      target: { atMost: 5, text: '< 5 %' },
    });
  }
  ctx.figure({
    scenario: '1 route.pick',
    figure: 'route.pick, pool of 3, 64 in flight: responder CPU per request, metrics off',
    value: summary('pool3off.c64').cpuUsPerRequest,
    unit: 'µs',
    yardstick: summary('echo.c64').cpuUsPerRequest,
    runs: summary('pool3off.c64').runs,
  });
  for (const [key, label] of POOLS) {
    ctx.figure({
      scenario: '1 route.pick',
      figure: `route.pick, ${label}, 64 in flight: responder CPU per request`,
      value: summary(`${key}.c64`).cpuUsPerRequest,
      unit: 'µs',
      yardstick: summary('echo.c64').cpuUsPerRequest,
      runs: summary(`${key}.c64`).runs,
    });
  }
  ctx.figure({
    scenario: '1 route.pick',
    figure: 'DB transactions per 1,000 picks (idle rate subtracted)',
    value: Math.max(0, (loadTransactions / picks) * 1000),
    unit: '',
    runs: sizes.runs.routing,
    target: { atMost: 1, text: '~0 (no DB on hot path)' },
  });
  return summaries;
}
