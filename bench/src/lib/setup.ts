// The loaded system of scenarios 1, 2, 3 and 5: a fleet in the log, views projected, every gateway healthy.
import type pg from 'pg';
import { ORG_STREAM_PREFIX } from '@gwpool/domain';
import { type HeartbeatLoadConfig, type HeartbeatLoadResult, startClient } from '@gwpool/load-clients';
import { type BenchContext, fleetOf } from './context.js';
import { appendOrgs, type Fleet, fleetEvents, type FleetSizes } from './fleet.js';
import { HEARTBEAT_LOAD, requestRun } from './load.js';
import { type Servers, Stack } from './stack.js';

/** Enough for about 20,000 picks at 64 in flight on this machine: two of every pool of 3. */
const WARM_UP_MS = 4000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; anything else it returns is the last state shown when time runs out. */
export async function until(
  label: string,
  check: () => Promise<unknown>,
  { timeoutMs = 300_000, intervalMs = 250 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last === true) return;
    } catch (error) {
      last = String(error);
    }
    await sleep(intervalMs);
  }
  throw new Error(`${label} not reached within ${timeoutMs / 1000} s (last: ${JSON.stringify(last)})`);
}

/**
 * Waits until the stored views are checkpointed at the last event of the org streams, which are what views follow
 * (the projector's health transitions, appended as it judges the fleet, never move the checkpoint). Unlike the
 * status counters this holds for a restarted projector too, which loads its views and has nothing left to apply.
 */
async function viewsAtLogHead(db: pg.Client): Promise<void> {
  await until('views stored up to the last event of the org streams', async () => {
    const head = await db.query<{ tx: string; seq: string }>(
      `SELECT tx_id::text AS tx, seq FROM gwpool_log.events WHERE stream_id LIKE '${ORG_STREAM_PREFIX}%'
       ORDER BY tx_id DESC, seq DESC LIMIT 1`,
    );
    const stored = await db.query<{ position: string }>(
      `SELECT position FROM gwpool.view_checkpoints WHERE name = 'projector'`,
    );
    const want = head.rows[0] && `${head.rows[0].tx}:${head.rows[0].seq}`;
    return (want !== undefined && stored.rows[0]?.position === want) || { want, stored: stored.rows[0]?.position };
  });
}

export const fleetSubjects = (fleet: Fleet): string[] =>
  fleet.orgs.flatMap(({ org, gatewayIds }) => gatewayIds.map((g) => `gwpool.v1.${org}.heartbeat.${g}`));

export async function startServices(ctx: BenchContext, ttl: string): Promise<Stack> {
  const { fleetUrl } = fleetOf(ctx);
  const stack = new Stack(ctx.servers, {
    NATS_URL: ctx.servers.nats.url,
    EVENT_STORE_URL: fleetUrl,
    READ_MODEL_URL: fleetUrl,
    READ_MODEL_NAMESPACE: 'gwpool',
    HEARTBEAT_TTL: ttl,
    ENTITLEMENTS: 'open',
  });
  // Set at once, so that whatever happens next the benchmark's cleanup stops these processes.
  ctx.stack = stack;
  // The projector creates the views; the readers load them once it has caught up.
  stack.start('projector');
  await stack.waitReady('projector');
  await viewsAtLogHead(ctx.db);
  const readers = ['pool-command', 'heartbeat-ingest', 'routing-query'] as const;
  for (const name of readers) stack.start(name);
  for (const name of readers) await stack.waitReady(name);
  return stack;
}

interface IngestStats {
  accepted: number;
}

/** One heartbeat per gateway, then waits until route.pick answers for the pools the scenarios measure. */
export async function makeHealthy(ctx: BenchContext): Promise<void> {
  const { servers } = ctx;
  const { fleet } = fleetOf(ctx);
  const subjects = fleetSubjects(fleet);
  const stats = () => servers.request<IngestStats>('gwpool.v1.admin.heartbeat-ingest.stats');
  const before = (await stats()).accepted;
  const beats = startClient<HeartbeatLoadConfig, HeartbeatLoadResult>(HEARTBEAT_LOAD, {
    natsUrl: servers.nats.url,
    subjects,
    rate: 20_000,
    count: subjects.length,
  });
  await beats.done;
  await until('heartbeat-ingest accepting the fleet', async () => {
    const s = await stats();
    return s.accepted - before >= subjects.length || s;
  });
  const sample = [...fleet.bigPools, ...fleet.smallPools.filter((_, i) => i % 50 === 0)];
  await until('route.pick answering for the measured pools', async () => {
    for (const { org, poolId } of sample) {
      const reply = await servers.request<{ gatewayId?: string }>(`gwpool.v1.${org}.query.route.pick`, { poolId });
      if (!reply.gatewayId) return reply;
    }
    return true;
  });
}

/**
 * Picks from every pool of the fleet for a few seconds, unmeasured. A routing-query just started answers its first
 * few thousand picks of 10,000 pools slower than a long-running one (code not yet optimised, heap still growing):
 * measured right after a restart, pools of 3 answered 13 to 25 % fewer picks a second in the first window than later.
 */
export async function warmRoutingQuery(ctx: BenchContext): Promise<void> {
  const { fleet } = fleetOf(ctx);
  const pools = [
    ...fleet.smallPools,
    ...fleet.bigPools,
    ...fleet.strategyPools.roundRobin,
    ...fleet.strategyPools.leastLoaded,
  ];
  await requestRun(ctx.servers.nats.url, {
    name: 'routing-query warm-up',
    source: {
      kind: 'list',
      items: pools.map(({ org, poolId }) => ({ subject: `gwpool.v1.${org}.query.route.pick`, body: { poolId } })),
    },
    concurrency: 64,
    warmupMs: 0,
    durationMs: WARM_UP_MS,
  });
}

/** Has pool-command load every org's catalog (a no-op member.add), as it would after a day of commands. */
export async function warmPoolCommand(ctx: BenchContext): Promise<void> {
  for (const { org, poolIds } of fleetOf(ctx).fleet.orgs) {
    const reply = await ctx.servers.request<{ error?: { message: string } }>(
      `gwpool.v1.${org}.cmd.pool.member.add`,
      { poolId: poolIds[0], gatewayId: 'gw-0' },
      10_000,
    );
    if (reply.error) throw new Error(`warming pool-command: ${reply.error.message}`);
  }
}

/** Appends the fleet to a database of its own; its URL and the fleet's shape. */
export async function loadFleet(servers: Servers, sizes: FleetSizes): Promise<{ fleet: Fleet; fleetUrl: string }> {
  const fleetUrl = await servers.createDatabase('gwpool_fleet');
  const { fleet, orgEvents } = fleetEvents(sizes);
  const started = performance.now();
  await appendOrgs(fleetUrl, orgEvents);
  const gateways = fleet.orgs.reduce((n, o) => n + o.gatewayIds.length, 0);
  const pools = fleet.smallPools.length + fleet.bigPools.length;
  console.log(
    `loaded ${fleet.orgs.length} orgs, ${gateways} gateways, ${pools} pools (${fleet.bigPools.length} of ` +
      `${sizes.gateways} members): ${fleet.events} events in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { fleet, fleetUrl };
}
