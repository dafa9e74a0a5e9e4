// Scenario 6: what read-your-writes costs route.pick. The same picks as scenario 1 (pools of 3, shuffled), with and
// without a stream of 200 commands/s into the very orgs picked, each beside the echo measured under the same
// condition; then a caller that sends a command and picks in its org right after the reply, whose pick must wait
// until routing-query has applied the command, against picks in the same loop with no command before them.
import type { RequestItem } from '@gwpool/load-clients';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { commandStream, MAX_IN_FLIGHT, type StreamResult } from '../lib/command-stream.js';
import { type BenchContext, fleetOf } from '../lib/context.js';
import type { PoolRef } from '../lib/fleet.js';
import { type Condition, type PairedPicks, pairedPicks, pickFigures, seriesDetails } from '../lib/paired-picks.js';
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
  const { fleet } = fleetOf(ctx);
  const pools = [...fleet.smallPools].sort(() => Math.random() - 0.5);
  const picks: RequestItem[] = pools.map(({ org, poolId }) => ({
    subject: `gwpool.v1.${org}.query.route.pick`,
    body: { poolId },
  }));
  const nc = await connect({ servers: ctx.servers.nats.url, name: 'bench-read-your-writes' });
  try {
    const conditions: Condition<StreamResult>[] = [
      { key: 'quiet', label: 'no commands' },
      {
        key: 'stream',
        label: `${STREAM_RATE} cmd/s to the orgs picked`,
        start: () => commandStream(nc, pools, STREAM_RATE),
      },
    ];
    const measured = await pairedPicks(ctx, 'ryw', picks, conditions, (run, streams) => {
      console.log(`  run ${run}: commands streamed at ${Math.round(streams.at(-1)?.rate ?? 0)} cmd/s`);
    });
    const waited = await waitedPicks(nc, pools, ctx.options.quick ? 100 : 300);
    report(ctx, measured, conditions, waited);
  } finally {
    await nc.close();
  }
}

function report(
  ctx: BenchContext,
  measured: PairedPicks<StreamResult>,
  conditions: Condition<StreamResult>[],
  waited: Awaited<ReturnType<typeof waitedPicks>>,
): void {
  const scenario = '6 read-your-writes';
  const { backgrounds: streams, runs } = measured;
  pickFigures(ctx, scenario, measured, conditions);
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
    series: seriesDetails(measured.series),
    streams,
    waited,
  };
}
