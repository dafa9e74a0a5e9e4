// The loaded system of scenarios 1, 2, 3 and 5: a fleet in the log, views projected, every gateway healthy.
import { startClient } from './child.mjs';
import { appendOrgs, fleetEvents } from './fleet.mjs';
import { HEARTBEAT_LOAD } from './load.mjs';
import { Stack } from './stack.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(label, check, { timeoutMs = 300_000, intervalMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
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
 * Waits until the stored views are checkpointed at the log's last event. Unlike the status counters this holds
 * for a restarted projector too, which loads its views and has nothing left to apply.
 */
async function viewsAtLogHead(db) {
  await until('views stored up to the last event of the log', async () => {
    const head = await db.query(
      'SELECT tx_id::text AS tx, seq FROM gwpool_log.events ORDER BY tx_id DESC, seq DESC LIMIT 1',
    );
    const stored = await db.query(`SELECT position FROM gwpool.view_checkpoints WHERE name = 'projector'`);
    const want = head.rows[0] && `${head.rows[0].tx}:${head.rows[0].seq}`;
    return (want !== undefined && stored.rows[0]?.position === want) || { want, stored: stored.rows[0]?.position };
  });
}

export const fleetSubjects = (fleet) =>
  fleet.orgs.flatMap(({ org, gatewayIds }) => gatewayIds.map((g) => `gwpool.v1.${org}.heartbeat.${g}`));

export async function startServices(ctx, ttl) {
  const stack = new Stack(ctx.servers, {
    NATS_URL: ctx.servers.nats.url,
    EVENT_STORE_URL: ctx.fleetUrl,
    READ_MODEL_URL: ctx.fleetUrl,
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
  for (const name of ['pool-command', 'heartbeat-ingest', 'routing-query']) stack.start(name);
  for (const name of ['pool-command', 'heartbeat-ingest', 'routing-query']) await stack.waitReady(name);
  return stack;
}

/** One heartbeat per gateway, then waits until route.pick answers for the pools the scenarios measure. */
export async function makeHealthy(ctx) {
  const { servers, fleet } = ctx;
  const subjects = fleetSubjects(fleet);
  const before = (await servers.request('gwpool.v1.admin.heartbeat-ingest.stats')).accepted;
  const beats = startClient(HEARTBEAT_LOAD, {
    natsUrl: servers.nats.url,
    subjects,
    rate: 20_000,
    count: subjects.length,
  });
  await beats.done;
  await until('heartbeat-ingest accepting the fleet', async () => {
    const s = await servers.request('gwpool.v1.admin.heartbeat-ingest.stats');
    return s.accepted - before >= subjects.length || s;
  });
  const sample = [...fleet.bigPools, ...fleet.smallPools.filter((_, i) => i % 50 === 0)];
  await until('route.pick answering for the measured pools', async () => {
    for (const { org, poolId } of sample) {
      const reply = await servers.request(`gwpool.v1.${org}.query.route.pick`, { poolId });
      if (!reply.gatewayId) return reply;
    }
    return true;
  });
}

/** Has pool-command load every org's catalog (a no-op member.add), as it would after a day of commands. */
export async function warmPoolCommand(ctx) {
  for (const { org, poolIds } of ctx.fleet.orgs) {
    const reply = await ctx.servers.request(
      `gwpool.v1.${org}.cmd.pool.member.add`,
      { poolId: poolIds[0], gatewayId: 'gw-0' },
      10_000,
    );
    if (reply.error) throw new Error(`warming pool-command: ${reply.error.message}`);
  }
}

export async function loadFleet(ctx) {
  ctx.fleetUrl = await ctx.servers.createDatabase('gwpool_fleet');
  const { fleet, orgEvents } = fleetEvents(ctx.sizes.fleet);
  const started = performance.now();
  await appendOrgs(ctx.fleetUrl, orgEvents);
  ctx.fleet = fleet;
  const gateways = fleet.orgs.reduce((n, o) => n + o.gatewayIds.length, 0);
  const pools = fleet.smallPools.length + fleet.bigPools.length;
  console.log(
    `loaded ${fleet.orgs.length} orgs, ${gateways} gateways, ${pools} pools (${fleet.bigPools.length} of ` +
      `${ctx.sizes.fleet.gateways} members): ${fleet.events} events in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
