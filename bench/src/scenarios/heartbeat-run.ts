// One run of scenario 2: the fleet's heartbeat load and the detection probe side by side, with the backlog, CPU and
// memory sampled every second while they run.
import type pg from 'pg';
import { type HeartbeatLoadConfig, type HeartbeatLoadResult, startClient } from '@gwpool/load-clients';
import type { DetectionProbeConfig, DetectionProbeResult } from '../clients/protocol.js';
import { type BenchContext, fleetOf, stackOf } from '../lib/context.js';
import { DETECTION_PROBE, HEARTBEAT_LOAD } from '../lib/load.js';
import { cpuSecondsOf, memoryOf, type Servers } from '../lib/stack.js';
import { slope, summarize } from '../lib/stats.js';

/** Silence detection needs a short TTL; every service gets the same one, as the README asks. */
export const TTL = '5s';
const TTL_MS = 5000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface IngestStats {
  accepted: number;
  unregistered: number;
  invalid: number;
  persistFailures: number;
}

interface Varz {
  cpu: number;
  slow_consumers?: number;
}

interface Connz {
  connections?: { pending_bytes?: number }[];
}

export interface HeartbeatRun {
  offeredRate: number;
  generator: { lateTicks: number; worstTickGapMs: number };
  processedRate: number;
  accepted: number;
  unregistered: number;
  persistFailures: number;
  lag: [number, number][];
  maxLag: number;
  lagSlope: number;
  finalLag: number;
  storedAgeMs: number[];
  slowConsumers: number;
  maxPendingBytes: number;
  cpuPercent: Record<string, number>;
  ingestRssGrowthMb: number;
  failed: Float64Array;
  silence: Float64Array;
  stuck: number;
}

async function processed(servers: Servers): Promise<IngestStats & { count: number }> {
  const s = await servers.request<IngestStats>('gwpool.v1.admin.heartbeat-ingest.stats', {}, 5000);
  return { count: s.accepted + s.unregistered + s.invalid, ...s };
}

/** Newest heartbeat heartbeat-ingest has stored, as an age in ms. */
async function storedAge(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ at: string }>('SELECT max(at) AS at FROM gwpool.gateway_liveness');
  return Date.now() - Number(rows[0]?.at);
}

export async function oneRun(ctx: BenchContext, run: number, subjects: string[], rate: number): Promise<HeartbeatRun> {
  const { servers, sizes } = ctx;
  const stack = stackOf(ctx);
  const { fleet } = fleetOf(ctx);
  const durationMs = sizes.heartbeatSeconds * 1000;
  const base = await processed(servers);
  const varz0 = await servers.monitor<Varz>('/varz');
  const load = startClient<HeartbeatLoadConfig, HeartbeatLoadResult>(
    HEARTBEAT_LOAD,
    { natsUrl: servers.nats.url, subjects, rate, durationMs },
    { name: 'heartbeats' },
  );
  const probe = startClient<DetectionProbeConfig, DetectionProbeResult>(
    DETECTION_PROBE,
    {
      natsUrl: servers.nats.url,
      org: fleet.probe.org,
      fail: fleet.probe.fail,
      silence: fleet.probe.silence,
      ttlMs: TTL_MS,
      durationMs: durationMs - 2000,
      beatEveryMs: 1000,
      pollMs: 10,
      picks: 3,
      confirmMs: 200,
    },
    { name: 'detection probe' },
  );
  await Promise.all([load.ready, probe.ready]);
  const pids: Record<string, number | undefined> = {
    'heartbeat-ingest': stack.get('heartbeat-ingest').pid,
    'routing-query': stack.get('routing-query').pid,
    projector: stack.get('projector').pid,
  };
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSecondsOf(pid)]));
  const ingestRss0 = memoryOf(pids['heartbeat-ingest']).rssMb;
  const t0 = performance.now();
  const lag: [number, number][] = [];
  const stored: number[] = [];
  const natsCpu: number[] = [];
  let maxPendingBytes = 0;
  let loadDone = false;
  void load.done.finally(() => (loadDone = true)).catch(() => undefined);
  while (!loadDone) {
    await sleep(1000);
    if (loadDone) break;
    const [sent, probeSent] = await Promise.all([load.ask<number>('sent'), probe.ask<number>('sent')]);
    const now = await processed(servers);
    const t = (performance.now() - t0) / 1000;
    lag.push([t, (sent ?? 0) + (probeSent ?? 0) - (now.count - base.count)]);
    stored.push(await storedAge(ctx.db));
    const [varz, connz] = await Promise.all([
      servers.monitor<Varz>('/varz'),
      servers.monitor<Connz>('/connz?limit=1024'),
    ]);
    natsCpu.push(varz.cpu);
    for (const c of connz.connections ?? []) maxPendingBytes = Math.max(maxPendingBytes, c.pending_bytes ?? 0);
  }
  const loadResult = await load.done;
  const seconds = (performance.now() - t0) / 1000;
  const cpu: Record<string, number> = Object.fromEntries(
    Object.entries(pids).map(([k, pid]) => [k, ((cpuSecondsOf(pid) - (cpu0[k] ?? 0)) / seconds) * 100]),
  );
  // The generator has exited by now and reports its own.
  cpu['load generator'] = (loadResult.cpuSeconds / loadResult.seconds) * 100;
  cpu['nats-server'] = natsCpu.reduce((a, b) => a + b, 0) / Math.max(1, natsCpu.length);
  const probeResult = await probe.done;
  // Whatever is still in flight gets a second to land; what is left after that is backlog.
  await sleep(1000);
  const end = await processed(servers);
  const finalLag = loadResult.sent + probeResult.beats - (end.count - base.count);
  const varz1 = await servers.monitor<Varz>('/varz');
  const steady = lag.filter(([t]) => t >= 5);
  const result: HeartbeatRun = {
    offeredRate: loadResult.rate,
    generator: { lateTicks: loadResult.lateTicks, worstTickGapMs: loadResult.worstTickGapMs },
    processedRate: (end.count - base.count) / seconds,
    accepted: end.accepted - base.accepted,
    unregistered: end.unregistered - base.unregistered,
    persistFailures: end.persistFailures - base.persistFailures,
    lag,
    maxLag: Math.max(0, ...lag.map(([, l]) => l)),
    lagSlope: slope(steady),
    finalLag,
    storedAgeMs: stored,
    slowConsumers: (varz1.slow_consumers ?? 0) - (varz0.slow_consumers ?? 0),
    maxPendingBytes,
    cpuPercent: cpu,
    ingestRssGrowthMb: memoryOf(pids['heartbeat-ingest']).rssMb - ingestRss0,
    failed: probeResult.failed,
    silence: probeResult.silence,
    stuck: probeResult.stuck,
  };
  console.log(
    `  run ${run}: offered ${Math.round(result.offeredRate)} hb/s, processed ${Math.round(result.processedRate)} hb/s, ` +
      `backlog max ${result.maxLag} end ${finalLag}, trend ${result.lagSlope.toFixed(1)} hb/s; ` +
      `failed→excluded p50 ${summarize([result.failed]).p50.toFixed(0)} ms (${result.failed.length}), ` +
      `silence→excluded p50 ${summarize([result.silence]).p50.toFixed(0)} ms (${result.silence.length}), stuck ${result.stuck}`,
  );
  return result;
}
