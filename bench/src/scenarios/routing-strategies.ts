// Scenario 1b: route.pick on pools of 500 members with each strategy and each pick option, sequential, next to plain
// random and the raw echo yardstick, interleaved run by run as in scenario 1. The least-loaded pool's gateways report
// a fresh load just before each of its runs, so its picks take the two-choice path rather than the random fallback.
import type { RequestItem } from '@gwpool/load-clients';
import { type BenchContext, fleetOf } from '../lib/context.js';
import type { PoolRef } from '../lib/fleet.js';
import { echoOf, requestRun, Series, type SeriesSummary } from '../lib/load.js';
import { summarize } from '../lib/stats.js';
import { pickCosts } from './pick-cost.js';

const pick = ({ org, poolId }: PoolRef, options: Record<string, unknown> = {}): RequestItem => ({
  subject: `gwpool.v1.${org}.query.route.pick`,
  body: { poolId, ...options },
});

/** A different session key per request, as many callers pinning their own sessions would send. */
const KEYS = 1000;

export async function routingStrategiesScenario(ctx: BenchContext): Promise<Record<string, SeriesSummary>> {
  const { sizes, servers } = ctx;
  const { fleet } = fleetOf(ctx);
  const big = fleet.bigPools;
  const targets: { key: string; label: string; items: RequestItem[] }[] = [
    { key: 'random', label: 'random', items: big.map((p) => pick(p)) },
    { key: 'rr', label: 'round-robin', items: fleet.strategyPools.roundRobin.map((p) => pick(p)) },
    { key: 'll', label: 'least-loaded', items: fleet.strategyPools.leastLoaded.map((p) => pick(p)) },
    {
      key: 'key',
      label: 'random with key',
      items: Array.from({ length: KEYS }, (_, i) => pick(big[i % big.length] as PoolRef, { key: `session-${i}` })),
    },
    { key: 'zone', label: 'random with preferZone', items: big.map((p) => pick(p, { preferZone: 'zone-1' })) },
    { key: 'tags', label: 'random with requireTags', items: big.map((p) => pick(p, { requireTags: ['pci'] })) },
  ];
  const echo = { key: 'echo', label: 'echo', items: echoOf(targets[0]?.items ?? []) };
  const series = new Map([echo, ...targets].map((t) => [t.key, new Series(`${t.key} sequential`)]));

  const reportLoads = async () => {
    for (const { org } of fleet.strategyPools.leastLoaded) {
      const gatewayIds = fleet.orgs.find((o) => o.org === org)?.gatewayIds ?? [];
      gatewayIds.forEach((gatewayId, g) => {
        const load = { activeConnections: (g * 37) % 100, capacity: 100 };
        servers.nc.publish(`gwpool.v1.${org}.heartbeat.${gatewayId}`, JSON.stringify({ check: 'passed', load }));
      });
    }
    await servers.nc.flush();
    // heartbeat-ingest passes facts on every 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 500));
  };

  for (let run = 1; run <= sizes.runs.routing; run += 1) {
    for (const t of [echo, ...targets]) {
      if (t.key === 'll') await reportLoads();
      const result = await requestRun(servers.nats.url, {
        name: `route 1b ${t.key}`,
        source: { kind: 'list', items: t.items },
        concurrency: 1,
        warmupMs: sizes.warmupMs,
        durationMs: sizes.durationMs,
      });
      series.get(t.key)?.add(result);
      console.log(
        `  run ${run} ${t.label.padEnd(24)} ${Math.round(result.throughput)} req/s` +
          `  p99 ${summarize([result.samples]).p99.toFixed(2)} ms  errors ${result.errors}`,
      );
    }
  }

  const summaries = Object.fromEntries([...series].map(([key, s]) => [key, s.summary]));
  const costs = pickCosts();
  ctx.details['routingStrategies'] = { summaries, pickCosts: costs };
  for (const { label, nsPerPick } of costs) {
    ctx.figure({
      scenario: '1b route.pick strategies',
      figure: `pickRoute alone, in process, pool of 500, ${label}`,
      value: nsPerPick / 1000,
      unit: 'µs',
      runs: 3,
    });
  }
  const yardstick = summaries['echo'];
  if (!yardstick) throw new Error('no echo runs');
  for (const t of targets) {
    const s = summaries[t.key];
    if (!s) continue;
    const name = `route.pick, pool of 500, ${t.label}, sequential`;
    const common = { scenario: '1b route.pick strategies', runs: s.runs };
    ctx.figure({ ...common, figure: `${name}: p50`, value: s.p50, unit: 'ms', yardstick: yardstick.p50 });
    ctx.figure({
      ...common,
      figure: `${name}: p99`,
      value: s.p99,
      unit: 'ms',
      yardstick: yardstick.p99,
      target: { ratioAtMost: 1.5 },
    });
    ctx.figure({
      ...common,
      figure: `${name}: throughput`,
      value: s.throughput,
      unit: 'req/s',
      yardstick: yardstick.throughput,
      target: { ratioAtLeast: 0.65 },
    });
  }
  return summaries;
}
