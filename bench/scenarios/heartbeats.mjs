// Scenario 2: the whole fleet beating every 5 s for a minute, while a probe times how soon route.pick stops
// returning a gateway whose check failed or that fell silent. Backlog = heartbeats sent - heartbeats processed.
import { startClient } from '../lib/child.mjs';
import { DETECTION_PROBE, echoYardstick, HEARTBEAT_LOAD } from '../lib/load.mjs';
import { fleetSubjects, startServices } from '../lib/setup.mjs';
import { cpuSecondsOf, memoryOf } from '../lib/stack.mjs';
import { slope, summarize } from '../lib/stats.mjs';
import { memoryFigures } from './memory.mjs';

const TTL = '5s';
const TTL_MS = 5000;
const SHORT = {
  'heartbeat-ingest': 'ingest',
  'routing-query': 'routing',
  'load generator': 'load gen',
  'nats-server': 'nats',
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function processed(servers) {
  const s = await servers.request('gwpool.v1.admin.heartbeat-ingest.stats', {}, 5000);
  return { count: s.accepted + s.unregistered + s.invalid, ...s };
}

/** Newest heartbeat heartbeat-ingest has stored, as an age in ms. */
async function storedAge(db) {
  const { rows } = await db.query('SELECT max(at) AS at FROM gwpool.gateway_liveness');
  return Date.now() - Number(rows[0].at);
}

async function oneRun(ctx, run, subjects, rate) {
  const { servers, sizes, stack } = ctx;
  const durationMs = sizes.heartbeatSeconds * 1000;
  const base = await processed(servers);
  const varz0 = await servers.monitor('/varz');
  const load = startClient(
    HEARTBEAT_LOAD,
    { natsUrl: servers.nats.url, subjects, rate, durationMs },
    { name: 'heartbeats' },
  );
  const probe = startClient(
    DETECTION_PROBE,
    {
      natsUrl: servers.nats.url,
      org: ctx.fleet.probe.org,
      fail: ctx.fleet.probe.fail,
      silence: ctx.fleet.probe.silence,
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
  const pids = {
    'heartbeat-ingest': stack.get('heartbeat-ingest').pid,
    'routing-query': stack.get('routing-query').pid,
    projector: stack.get('projector').pid,
  };
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSecondsOf(pid)]));
  const ingestRss0 = memoryOf(pids['heartbeat-ingest']).rssMb;
  const t0 = performance.now();
  const lag = [];
  const stored = [];
  const natsCpu = [];
  let maxPendingBytes = 0;
  let loadDone = false;
  void load.done.finally(() => (loadDone = true)).catch(() => undefined);
  while (!loadDone) {
    await sleep(1000);
    if (loadDone) break;
    const [sent, probeSent] = await Promise.all([load.ask('sent'), probe.ask('sent')]);
    const now = await processed(servers);
    const t = (performance.now() - t0) / 1000;
    lag.push([t, (sent ?? 0) + (probeSent ?? 0) - (now.count - base.count)]);
    stored.push(await storedAge(ctx.db));
    const [varz, connz] = await Promise.all([servers.monitor('/varz'), servers.monitor('/connz?limit=1024')]);
    natsCpu.push(varz.cpu);
    for (const c of connz.connections ?? []) maxPendingBytes = Math.max(maxPendingBytes, c.pending_bytes ?? 0);
  }
  const loadResult = await load.done;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = Object.fromEntries(
    Object.entries(pids).map(([k, pid]) => [k, ((cpuSecondsOf(pid) - cpu0[k]) / seconds) * 100]),
  );
  // The generator has exited by now and reports its own.
  cpu['load generator'] = (loadResult.cpuSeconds / loadResult.seconds) * 100;
  cpu['nats-server'] = natsCpu.reduce((a, b) => a + b, 0) / Math.max(1, natsCpu.length);
  const probeResult = await probe.done;
  // Whatever is still in flight gets a second to land; what is left after that is backlog.
  await sleep(1000);
  const end = await processed(servers);
  const finalLag = loadResult.sent + probeResult.beats - (end.count - base.count);
  const varz1 = await servers.monitor('/varz');
  const steady = lag.filter(([t]) => t >= 5);
  const result = {
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

export async function heartbeatScenario(ctx) {
  const { sizes } = ctx;
  // Silence detection needs a short TTL; every service gets the same one, as the README asks.
  await ctx.stack.stopAll();
  await startServices(ctx, TTL);
  const subjects = fleetSubjects(ctx.fleet);
  const rate = subjects.length / (sizes.heartbeatPeriodMs / 1000);
  const echo = await echoYardstick(
    ctx,
    1,
    ctx.fleet.smallPools
      .slice(0, 100)
      .map(({ org, poolId }) => ({ subject: `gwpool.v1.${org}.query.route.pick`, body: { poolId } })),
  );
  const runs = [];
  for (let run = 1; run <= sizes.runs.heartbeats; run += 1) runs.push(await oneRun(ctx, run, subjects, rate));

  const n = runs.length;
  const failed = summarize(runs.map((r) => r.failed));
  const silence = summarize(runs.map((r) => r.silence));
  const stuck = runs.reduce((s, r) => s + r.stuck, 0);
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const worst = (values) => Math.max(...values);
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
  const cpu = runs[runs.length - 1].cpuPercent;
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
  const trials = (label, summary, target) => {
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
  ctx.details.heartbeats = runs.map((r) => ({ ...r, failed: Array.from(r.failed), silence: Array.from(r.silence) }));
}
