// Scenario 6: what read-your-writes costs route.pick. The same picks as scenario 1 (pools of 3, shuffled), with and
// without a stream of 200 commands/s into the very orgs picked, each beside the echo measured under the same
// condition; then a caller that sends a command and picks in its org right after the reply, whose pick must wait
// until routing-query has applied the command, against picks in the same loop with no command before them.
import type { RequestItem } from '@gwpool/load-clients';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { commandStream, MAX_IN_FLIGHT, type StreamResult } from '../lib/command-stream.js';
import { type BenchContext, fleetOf } from '../lib/context.js';
import type { PoolRef } from '../lib/fleet.js';
import { echoOf, requestRun, Series, type SeriesSummary } from '../lib/load.js';
import { summarize } from '../lib/stats.js';

const STREAM_RATE = 200;

/** Sequential rounds from this process: a command then a pick in its org, and a pick alone; latencies of both picks. */
async function waitedPicks(nc: NatsConnection, pools: readonly PoolRef[], rounds: number) {
  const afterCommand: number[] = [];
  const alone: number[] = [];
  const pick = async (pool: PoolRef, into: number[]) => {
    const t0 = performance.now();
    const reply = await nc.request(`gwpool.v1.${pool.org}.query.route.pick`, JSON.stringify({ poolId: pool.poolId }));
    into.push(performance.now() - t0);
    if (reply.headers?.get('Nats-Service-Error-Code')) throw new Error(`route.pick failed: ${reply.string()}`);
  };
  for (let round = 0; round < rounds; round += 1) {
    const pool = pools[round % pools.length] as PoolRef;
    const other = pools[(round + Math.floor(pools.length / 2)) % pools.length] as PoolRef;
    const body = JSON.stringify({ poolId: pool.poolId, description: `waited ${round}` });
    const reply = await nc.request(`gwpool.v1.${pool.org}.cmd.pool.update`, body, { timeout: 5000 });
    if (reply.headers?.get('Nats-Service-Error-Code')) throw new Error(`pool.update failed: ${reply.string()}`);
    await pick(pool, afterCommand);
    // A pause, so the org written to last is applied, then a pick with no command of its own before it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await pick(other, alone);
  }
  return { afterCommand: summarize([Float64Array.from(afterCommand)]), alone: summarize([Float64Array.from(alone)]) };
}

export async function readYourWritesScenario(ctx: BenchContext): Promise<void> {
  const { sizes, servers } = ctx;
  const { fleet } = fleetOf(ctx);
  const pools = [...fleet.smallPools].sort(() => Math.random() - 0.5);
  const picks: RequestItem[] = pools.map(({ org, poolId }) => ({
    subject: `gwpool.v1.${org}.query.route.pick`,
    body: { poolId },
  }));
  const modes = [
    { key: 'seq', label: 'sequential', concurrency: 1 },
    { key: 'c64', label: '64 in flight', concurrency: 64 },
  ];
  const series = new Map<string, Series>();
  const seriesOf = (key: string): Series => {
    const known = series.get(key) ?? new Series(key);
    series.set(key, known);
    return known;
  };
  const streams: StreamResult[] = [];
  const nc = await connect({ servers: servers.nats.url, name: 'bench-read-your-writes' });
  try {
    const runs = Math.min(3, sizes.runs.routing);
    for (let run = 1; run <= runs; run += 1) {
      for (const streaming of [false, true]) {
        const stream = streaming ? commandStream(nc, pools, STREAM_RATE) : undefined;
        for (const m of modes) {
          for (const [target, items] of [
            ['echo', echoOf(picks)],
            ['pick', picks],
          ] as const) {
            const result = await requestRun(servers.nats.url, {
              name: `ryw ${target} ${m.key}`,
              source: { kind: 'list', items: [...items] },
              concurrency: m.concurrency,
              warmupMs: sizes.warmupMs,
              durationMs: sizes.durationMs,
            });
            seriesOf(`${target}.${m.key}.${streaming ? 'stream' : 'quiet'}`).add(result);
          }
        }
        if (stream) streams.push(await stream.stop());
      }
      console.log(`  run ${run}: commands streamed at ${Math.round(streams.at(-1)?.rate ?? 0)} cmd/s`);
    }
    const waited = await waitedPicks(nc, pools, ctx.options.quick ? 100 : 300);
    report(ctx, series, streams, waited, runs);
  } finally {
    await nc.close();
  }
}

function report(
  ctx: BenchContext,
  series: Map<string, Series>,
  streams: StreamResult[],
  waited: Awaited<ReturnType<typeof waitedPicks>>,
  runs: number,
): void {
  const summary = (key: string): SeriesSummary => {
    const found = series.get(key);
    if (!found) throw new Error(`no runs of ${key}`);
    return found.summary;
  };
  const scenario = '6 read-your-writes';
  for (const m of [
    { key: 'seq', label: 'sequential' },
    { key: 'c64', label: '64 in flight' },
  ]) {
    for (const [condition, label] of [
      ['quiet', 'no commands'],
      ['stream', `${STREAM_RATE} cmd/s to the orgs picked`],
    ] as const) {
      const pick = summary(`pick.${m.key}.${condition}`);
      const echo = summary(`echo.${m.key}.${condition}`);
      const name = `route.pick, pool of 3, ${m.label}, ${label}`;
      ctx.figure({ scenario, figure: `${name}: p50`, value: pick.p50, unit: 'ms', yardstick: echo.p50, runs });
      ctx.figure({ scenario, figure: `${name}: p99`, value: pick.p99, unit: 'ms', yardstick: echo.p99, runs });
      if (pick.errors > 0) ctx.figure({ scenario, figure: `${name}: error replies`, value: pick.errors, unit: '' });
    }
  }
  const rate = streams.reduce((n, s) => n + s.rate, 0) / Math.max(1, streams.length);
  const errors = streams.reduce((n, s) => n + s.errors, 0);
  ctx.figure({ scenario, figure: 'command stream while picking: achieved', value: rate, unit: 'cmd/s', runs });
  const skipped = streams.reduce((n, s) => n + s.skipped, 0);
  if (skipped > 0) {
    ctx.figure({ scenario, figure: `commands not sent, ${MAX_IN_FLIGHT} already in flight`, value: skipped, unit: '' });
  }
  if (errors > 0) {
    const first = streams.find((s) => s.firstError)?.firstError ?? '';
    ctx.figure({ scenario, figure: `command stream error replies (${first.slice(0, 40)})`, value: errors, unit: '' });
  }
  const { afterCommand, alone } = waited;
  const rounds = afterCommand.count;
  ctx.figure({
    scenario,
    figure: `route.pick right after a command of its org: p50 (${rounds} rounds)`,
    value: afterCommand.p50,
    unit: 'ms',
  });
  ctx.figure({
    scenario,
    figure: 'route.pick right after a command of its org: p99',
    value: afterCommand.p99,
    unit: 'ms',
  });
  ctx.figure({ scenario, figure: 'route.pick in the same loop, no command before: p50', value: alone.p50, unit: 'ms' });
  ctx.figure({ scenario, figure: 'route.pick in the same loop, no command before: p99', value: alone.p99, unit: 'ms' });
  ctx.figure({
    scenario,
    figure: 'added by waiting for the command: p50',
    value: afterCommand.p50 - alone.p50,
    unit: 'ms',
  });
  ctx.figure({
    scenario,
    figure: 'added by waiting for the command: p99',
    value: afterCommand.p99 - alone.p99,
    unit: 'ms',
  });
  ctx.details['readYourWrites'] = {
    series: Object.fromEntries([...series].map(([key, s]) => [key, s.summary])),
    streams,
    waited,
  };
}
