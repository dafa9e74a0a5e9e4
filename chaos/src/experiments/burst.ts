// The heartbeat burst: ten times the design load (50,000 gateways beating every second) for 15 s, while the steady
// load goes on. route.pick's p99 is measured idle, then during the burst, in the same run, each beside the echo
// yardstick's.
import {
  HEARTBEAT_LOAD,
  type HeartbeatLoadConfig,
  type HeartbeatLoadResult,
  type RequestLoadResult,
  startClient,
} from '@gwpool/load-clients';
import { ackedInLog, viewsVsRebuild } from '../lib/checks.js';
import { appendBurstFleet, COMMAND_ORG, type Fleet } from '../lib/fleet.js';
import { longestGap, startEchoes, startEchoResponder, startLoad, startPicks } from '../lib/load.js';
import { type ChaosStack, cpuSecondsOf, memoryOf } from '../lib/stack.js';
import type { Row } from './run.js';

const GENERATOR_NICE = 10;

export interface BurstSizes {
  orgs: number;
  perOrg: number;
  seconds: number;
}

export interface IngestTotals {
  instances: number;
  received: number;
  accepted: number;
  shed: number;
  dropped: number;
  queued: number;
}

export interface BurstFigures {
  gateways: number;
  offered: HeartbeatLoadResult;
  ingest: IngestTotals;
  slowConsumers: number;
  /** Whether every heartbeat-ingest instance kept its NATS connection (the same connection ids after). */
  stayedConnected: boolean;
  memory: { label: string; beforeMb: number; afterMb: number; peakMb: number }[];
  pickP99IdleMs: number;
  pickP99BurstMs: number;
  /** p50 and p90 beside the p99s, to tell a slower whole from a longer tail. */
  pickP50IdleMs: number;
  pickP50BurstMs: number;
  pickP90IdleMs: number;
  pickP90BurstMs: number;
  /** The echo yardstick's p99, requested beside the picks in both phases: the bus and the machine on their own. */
  echoP99IdleMs: number;
  echoP99BurstMs: number;
  /** Burst gateways healthy right after the burst. */
  healthyAfter: number;
  /** Share of one core each process used during the burst, in %. */
  cpuPercent: Record<string, number>;
}

/** p50, p90 and p99 of a run's latencies, sorted once. */
const percentiles = (result: RequestLoadResult): { p50: number; p90: number; p99: number } => {
  const sorted = [...result.samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
};

interface Stats {
  received: number;
  accepted: number;
  shed: number;
  invalid: number;
  unregistered: number;
  queued: number;
}

/** Every heartbeat-ingest instance's counts, added up (each answers the stats subject). */
async function ingestTotals(stack: ChaosStack): Promise<IngestTotals> {
  const totals: IngestTotals = { instances: 0, received: 0, accepted: 0, shed: 0, dropped: 0, queued: 0 };
  // A busy instance may answer late: wait for all of them.
  const replies = await stack.nc.requestMany('gwpool.v1.admin.heartbeat-ingest.stats', '{}', {
    strategy: 'count',
    maxMessages: stack.of('heartbeat-ingest').length,
    maxWait: 15_000,
  });
  for await (const reply of replies) {
    const s = reply.json<Stats>();
    totals.instances += 1;
    totals.received += s.received;
    totals.accepted += s.accepted;
    totals.shed += s.shed;
    totals.dropped += s.invalid + s.unregistered;
    totals.queued += s.queued;
  }
  return totals;
}

async function ingestConnections(stack: ChaosStack): Promise<string> {
  const { connections = [] } = await stack.monitor<{ connections?: { cid: number; name?: string }[] }>(
    '/connz?limit=4096',
  );
  return connections
    .filter((c) => c.name === 'heartbeat-ingest')
    .map((c) => c.cid)
    .sort((a, b) => a - b)
    .join(',');
}

async function healthyGateways(stack: ChaosStack, orgs: number): Promise<number> {
  let healthy = 0;
  for (let o = 0; o < orgs; o += 1) {
    const reply = await stack.nc.request(`gwpool.v1.burst-${o}.query.gateway.list`, '{}', { timeout: 10_000 });
    healthy += reply.json<{ gateways?: { healthy: boolean }[] }>().gateways?.filter((g) => g.healthy).length ?? 0;
  }
  return healthy;
}

/** Until every heartbeat-ingest instance has followed the log past the burst fleet's registration. */
async function ingestKnows(stack: ChaosStack, subject: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (let inARow = 0; inARow < 8;) {
    if (Date.now() > deadline) throw new Error('heartbeat-ingest did not learn of the burst fleet within 120 s');
    const reply = await stack.nc.request(subject, '{"check":"passed"}', { timeout: 5000 }).catch(() => undefined);
    inARow = reply?.json<{ accepted?: boolean }>().accepted ? inARow + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function burstExperiment(
  stack: ChaosStack,
  fleet: Fleet,
  sizes: BurstSizes,
): Promise<{ row: Row; figures: BurstFigures }> {
  const gateways = sizes.orgs * sizes.perOrg;
  const experiment = `heartbeat burst: ${gateways.toLocaleString('en-US')} hb/s for ${sizes.seconds} s`;
  console.log(`  ${experiment} (registering ${gateways.toLocaleString('en-US')} gateways first)`);
  const subjects = await appendBurstFleet(stack.postgres.url, sizes.orgs, sizes.perOrg);
  await ingestKnows(stack, subjects.at(-1) as string);
  const idleMs = 10_000;
  const burstMs = sizes.seconds * 1000;
  const echo = await startEchoResponder(stack.nats.url);
  const load = await startLoad(stack.nc, stack.nats.url, fleet, 2000 + idleMs + burstMs + 3000, { withPicks: false });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const [idle, idleEcho] = await Promise.all([
    startPicks(stack.nats.url, fleet, idleMs).done,
    startEchoes(stack.nats.url, fleet, idleMs).done,
  ]);

  const ingest = stack.of('heartbeat-ingest');
  const before = {
    totals: await ingestTotals(stack),
    slow: (await stack.monitor<{ slow_consumers: number }>('/varz')).slow_consumers,
    connections: await ingestConnections(stack),
    memory: ingest.map((i) => memoryOf(i.supervisor.process.pid)),
  };
  const pids: Record<string, number | undefined> = { 'nats-server': stack.nats.pid };
  for (const instance of stack.instances) pids[instance.label] = instance.supervisor.process.pid;
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([label, pid]) => [label, cpuSecondsOf(pid)]));
  const burstStarted = performance.now();
  const beats = startClient<HeartbeatLoadConfig, HeartbeatLoadResult>(
    HEARTBEAT_LOAD,
    { natsUrl: stack.nats.url, subjects, rate: gateways, durationMs: burstMs },
    // It stands in for 50,000 gateways, which do not run on the control plane's CPUs: it yields to the services.
    { name: 'burst', nice: GENERATOR_NICE },
  );
  await beats.ready;
  const [offered, burst, burstEcho] = await Promise.all([
    beats.done,
    startPicks(stack.nats.url, fleet, burstMs).done,
    startEchoes(stack.nats.url, fleet, burstMs).done,
  ]);
  const burstSeconds = (performance.now() - burstStarted) / 1000;
  const cpuPercent = Object.fromEntries(
    Object.entries(pids).map(([label, pid]) => [
      label,
      ((cpuSecondsOf(pid) - (cpu0[label] ?? 0)) / burstSeconds) * 100,
    ]),
  );
  // The generator has exited by now and reports its own.
  cpuPercent['burst generator'] = (offered.cpuSeconds / offered.seconds) * 100;
  await echo.stop();
  const healthyAfter = await healthyGateways(stack, sizes.orgs);
  let after = await ingestTotals(stack);
  for (let i = 0; i < 100 && after.queued > 0; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    after = await ingestTotals(stack);
  }
  const idleAt = percentiles(idle);
  const burstAt = percentiles(burst);
  const figures: BurstFigures = {
    gateways,
    offered,
    ingest: {
      instances: after.instances,
      received: after.received - before.totals.received,
      accepted: after.accepted - before.totals.accepted,
      shed: after.shed - before.totals.shed,
      dropped: after.dropped - before.totals.dropped,
      queued: after.queued,
    },
    slowConsumers: (await stack.monitor<{ slow_consumers: number }>('/varz')).slow_consumers - before.slow,
    stayedConnected: (await ingestConnections(stack)) === before.connections,
    memory: ingest.map((instance, i) => {
      const now = memoryOf(instance.supervisor.process.pid);
      return {
        label: instance.label,
        beforeMb: before.memory[i]?.rssMb ?? Number.NaN,
        afterMb: now.rssMb,
        peakMb: now.peakMb,
      };
    }),
    pickP99IdleMs: idleAt.p99,
    pickP99BurstMs: burstAt.p99,
    pickP50IdleMs: idleAt.p50,
    pickP50BurstMs: burstAt.p50,
    pickP90IdleMs: idleAt.p90,
    pickP90BurstMs: burstAt.p90,
    echoP99IdleMs: percentiles(idleEcho).p99,
    echoP99BurstMs: percentiles(burstEcho).p99,
    healthyAfter,
    cpuPercent,
  };
  const result = await load.done;
  await stack.allReady();
  const failed: Record<string, number> = { ...idle.failed };
  for (const [kind, n] of Object.entries(burst.failed)) failed[kind] = (failed[kind] ?? 0) + n;
  const row: Row = {
    experiment,
    replicas: stack.of('routing-query').length,
    picks: { sent: idle.issued + burst.issued, failed },
    commands: { sent: result.commands.issued, failed: result.commands.failed },
    acks: await ackedInLog(stack.postgres.url, COMMAND_ORG, result.commands.replies ?? []),
    views: await viewsVsRebuild(stack),
    healthGapMs: longestGap(result.healthAt, load.startedAt + 1000, load.startedAt + 2000 + idleMs + burstMs),
    notes: [
      `p99 route.pick ${figures.pickP99IdleMs.toFixed(1)} ms idle, ${figures.pickP99BurstMs.toFixed(1)} ms in the burst`,
    ],
  };
  return { row, figures };
}
