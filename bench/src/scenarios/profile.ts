// When route.pick misses a target: one extra pass (not counted in the figures) with routing-query under the V8
// profiler, for the measured window only, and the functions and packages that took its CPU.
import { repoRoot } from '@gwpool/launcher';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchContext, fleetOf, stackOf } from '../lib/context.js';
import { requestRun } from '../lib/load.js';
import { warmRoutingQuery } from '../lib/setup.js';
import { summarizeProfile } from '../lib/profile.js';

// The preload runs from the build, next to this file's own build.
const PRELOAD = new URL('../support/cpu-profiler.js', import.meta.url).href;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function profileRouting(ctx: BenchContext): Promise<void> {
  const { servers, sizes } = ctx;
  const stack = stackOf(ctx);
  const file = join(servers.dir, 'routing-query.cpuprofile');
  await stack.stop('routing-query');
  const service = stack.start('routing-query', { env: { BENCH_CPU_PROFILE: file }, nodeArgs: ['--import', PRELOAD] });
  try {
    await stack.waitReady('routing-query');
    await warmRoutingQuery(ctx);
    const items = fleetOf(ctx).fleet.smallPools.map(({ org, poolId }) => ({
      subject: `gwpool.v1.${org}.query.route.pick`,
      body: { poolId },
    }));
    const durationMs = Math.max(sizes.durationMs, 5000);
    const load = requestRun(servers.nats.url, {
      name: 'profiled route.pick',
      source: { kind: 'list', items },
      concurrency: 64,
      warmupMs: sizes.warmupMs,
      durationMs,
    });
    await sleep(sizes.warmupMs + 200);
    const pid = service.pid;
    if (!service.running || pid === undefined) throw new Error(`profiled routing-query exited:\n${service.logs(40)}`);
    process.kill(pid, 'SIGWINCH');
    await sleep(durationMs - 400);
    process.kill(pid, 'SIGWINCH');
    const run = await load;
    for (let i = 0; i < 50 && !existsSync(file); i += 1) await sleep(100);
    const summary = summarizeProfile(file);
    const keep = join(repoRoot(), 'bench/results', 'routing-query.cpuprofile');
    mkdirSync(join(repoRoot(), 'bench/results'), { recursive: true });
    copyFileSync(file, keep);
    ctx.details['routingProfile'] = {
      load: '64 in flight, pools of 3',
      throughput: run.throughput,
      file: keep,
      ...summary,
    };
    console.log(`  profiled ${Math.round(run.throughput)} req/s; busy ${summary.busyMs} ms, idle ${summary.idleMs} ms`);
    for (const f of summary.functions.slice(0, 10))
      console.log(`  ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name}`);
  } finally {
    // The rest of the benchmark runs against an unprofiled routing-query.
    await stack.stop('routing-query');
    stack.start('routing-query');
    await stack.waitReady('routing-query');
    await warmRoutingQuery(ctx);
  }
}
