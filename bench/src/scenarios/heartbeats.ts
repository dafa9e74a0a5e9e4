// Scenario 2: the whole fleet beating every 5 s for a minute, while a probe times how soon route.pick stops
// returning a gateway whose check failed or that fell silent. Backlog = heartbeats sent - heartbeats processed.
import { type BenchContext, fleetOf, stackOf } from '../lib/context.js';
import { echoYardstick } from '../lib/load.js';
import { fleetSubjects, startServices } from '../lib/setup.js';
import { type Distribution, summarize } from '../lib/stats.js';
import { type HeartbeatRun, oneRun, TTL } from './heartbeat-run.js';
import { memoryFigures } from './memory.js';

const SHORT: Record<string, string> = {
  'heartbeat-ingest': 'ingest',
  'routing-query': 'routing',
  'load generator': 'load gen',
  'nats-server': 'nats',
};

export async function heartbeatScenario(ctx: BenchContext): Promise<void> {
  const { sizes } = ctx;
  const { fleet } = fleetOf(ctx);
  // Silence detection needs a short TTL; every service gets the same one, as the README asks.
  await stackOf(ctx).stopAll();
  await startServices(ctx, TTL);
  const subjects = fleetSubjects(fleet);
  const rate = subjects.length / (sizes.heartbeatPeriodMs / 1000);
  const echo = await echoYardstick(
    ctx,
    1,
    fleet.smallPools
      .slice(0, 100)
      .map(({ org, poolId }) => ({ subject: `gwpool.v1.${org}.query.route.pick`, body: { poolId } })),
  );
  const runs: HeartbeatRun[] = [];
  for (let run = 1; run <= sizes.runs.heartbeats; run += 1) runs.push(await oneRun(ctx, run, subjects, rate));

  const n = runs.length;
  const failed = summarize(runs.map((r) => r.failed));
  const silence = summarize(runs.map((r) => r.silence));
  const stuck = runs.reduce((s, r) => s + r.stuck, 0);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const worst = (values: number[]) => Math.max(...values);
  const s = '2 heartbeats';
  const fleetLabel = `${subjects.length.toLocaleString('en-US')} gateways every ${sizes.heartbeatPeriodMs / 1000} s`;
  ctx.figure({
    scenario: s,
    figure: `offered load, ${fleetLabel} for ${sizes.heartbeatSeconds} s`,
    value: median(runs.map((r) => r.offeredRate)),
    unit: 'hb/s',
    runs: n,
    target: { atLeast: rate * 0.98, text: `${Math.round(rate).toLocaleString('en-US')} hb/s offered` },
  });
  ctx.figure({
    scenario: s,
    figure: 'processed by heartbeat-ingest',
    value: median(runs.map((r) => r.processedRate)),
    unit: 'hb/s',
    runs: n,
  });
  ctx.figure({
    scenario: s,
    figure: 'backlog trend over a run (sent - processed), worst run',
    value: worst(runs.map((r) => r.lagSlope)),
    unit: 'hb/s',
    runs: n,
    target: { atMost: rate * 0.01, text: 'not growing (<= 1 %)' },
  });
  ctx.figure({
    scenario: s,
    figure: 'backlog 1 s after the load stopped, worst run',
    value: worst(runs.map((r) => r.finalLag)),
    unit: 'hb',
    runs: n,
    target: { atMost: Math.round(rate * 0.1), text: '<= 100 ms of load' },
  });
  ctx.figure({
    scenario: s,
    figure: 'backlog during load, max',
    value: worst(runs.map((r) => r.maxLag)),
    unit: 'hb',
    runs: n,
  });
  ctx.figure({
    scenario: s,
    figure: 'NATS slow consumers during load',
    value: runs.reduce((sum, r) => sum + r.slowConsumers, 0),
    unit: '',
    runs: n,
    target: { atMost: 0, text: '0' },
  });
  const storedAges = summarize(runs.map((r) => Float64Array.from(r.storedAgeMs)));
  ctx.figure({
    scenario: s,
    figure: 'age of newest stored liveness, p99 of 1 s samples',
    value: storedAges.p99,
    unit: 'ms',
    runs: n,
  });
  ctx.figure({
    scenario: s,
    figure: 'nats-server bytes pending for one client, max',
    value: worst(runs.map((r) => r.maxPendingBytes)),
    unit: 'B',
    runs: n,
  });
  const rssChanges = runs.map((r) => `${r.ingestRssGrowthMb >= 0 ? '+' : ''}${r.ingestRssGrowthMb.toFixed(0)}`);
  ctx.figure({
    scenario: s,
    figure: `heartbeat-ingest RSS change over each run: ${rssChanges.join(', ')} MB`,
    runs: n,
  });
  const cpu = runs[runs.length - 1]?.cpuPercent ?? {};
  ctx.figure({
    scenario: s,
    figure: `CPU % of a core: ${Object.keys(cpu)
      .map((k) => SHORT[k] ?? k)
      .join('/')}`,
    text: Object.values(cpu)
      .map((v) => Math.round(v))
      .join('/'),
    runs: 1,
  });
  const trials = (label: string, summary: Distribution, target: { atMost: number; text: string }) => {
    ctx.figure({
      scenario: s,
      figure: `${label}: p50 (${summary.count} trials)`,
      value: summary.p50,
      unit: 'ms',
      yardstick: echo.p50,
      runs: n,
    });
    ctx.figure({
      scenario: s,
      figure: `${label}: p99`,
      value: summary.p99,
      unit: 'ms',
      yardstick: echo.p99,
      runs: n,
      target,
    });
  };
  trials('failed check -> gone from route.pick', failed, { atMost: 1000, text: '<= 1 s' });
  trials('silence: TTL end -> gone from route.pick', silence, { atMost: 1000, text: '<= 1 s' });
  if (stuck > 0) {
    ctx.figure({
      scenario: s,
      figure: 'probe trials that never saw the change within 10 s',
      value: stuck,
      unit: '',
      runs: n,
      target: { atMost: 0, text: '0' },
    });
  }
  memoryFigures(ctx, 'after heartbeat load');
  ctx.details['heartbeats'] = runs.map((r) => ({
    ...r,
    failed: Array.from(r.failed),
    silence: Array.from(r.silence),
  }));
}
