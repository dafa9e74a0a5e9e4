// The load every experiment runs under: gateways beating every second (all along, from before the first experiment
// to after the last), route.pick at 200/s, pool.create at 10/s, and a gateway whose check flips every half second,
// so that its pool's health stream never goes quiet.
import {
  HEARTBEAT_LOAD,
  type HeartbeatLoadConfig,
  type HeartbeatLoadResult,
  REQUEST_LOAD,
  type RequestLoadConfig,
  type RequestLoadResult,
  startClient,
  startEcho,
} from '@gwpool/load-clients';
import type { NatsConnection } from '@nats-io/transport-node';
import { COMMAND_ORG, FLAPPER, type Fleet, GATEWAYS, ORG, STEADY } from './fleet.js';

export const PICKS_PER_SECOND = 200;
/** The echo yardstick beside the picks: fewer, so that it adds little to the load it measures. */
export const ECHOES_PER_SECOND = 100;
const ECHO_PREFIX = 'chaos.echo.';
export const COMMANDS_PER_SECOND = 10;

export interface LoadResult {
  picks?: RequestLoadResult;
  commands: RequestLoadResult;
  /** When each health message of the flapping pool arrived (ms since the epoch). */
  healthAt: number[];
}

let runs = 0;

const request = (natsUrl: string, config: Omit<RequestLoadConfig, 'natsUrl'>) =>
  startClient<RequestLoadConfig, RequestLoadResult>(REQUEST_LOAD, { natsUrl, ...config }, { name: config.name });

/** Every gateway of the fleet beating once a second until stopped. */
export async function startHeartbeats(natsUrl: string) {
  const heartbeats = startClient<HeartbeatLoadConfig, HeartbeatLoadResult>(
    HEARTBEAT_LOAD,
    {
      natsUrl,
      subjects: [...GATEWAYS, STEADY].map((id) => `gwpool.v1.${ORG}.heartbeat.${id}`),
      rate: GATEWAYS.length + 1,
      durationMs: 24 * 3600_000,
    },
    { name: 'heartbeats' },
  );
  await heartbeats.ready;
  return heartbeats;
}

/** A request to each of the fleet's pools in turn, under `prefix`, at `rate` a second for `durationMs`. */
const pacedPicks = (natsUrl: string, fleet: Fleet, durationMs: number, name: string, prefix: string, rate: number) =>
  request(natsUrl, {
    name,
    source: {
      kind: 'list',
      items: fleet.poolIds.map((poolId) => ({ subject: `${prefix}${ORG}.query.route.pick`, body: { poolId } })),
    },
    concurrency: 16,
    ratePerSecond: rate,
    warmupMs: 0,
    durationMs,
    timeoutMs: 2000,
  });

/** route.pick at 200/s over the fleet's pools, for `durationMs`. */
export const startPicks = (natsUrl: string, fleet: Fleet, durationMs: number) =>
  pacedPicks(natsUrl, fleet, durationMs, 'picks', 'gwpool.v1.', PICKS_PER_SECOND);

/** The raw NATS echo responder, in a process of its own, until stopped. */
export const startEchoResponder = (natsUrl: string) => startEcho({ natsUrl, subject: `${ECHO_PREFIX}>` });

/**
 * Requests to the echo responder for `durationMs`, paced and shaped as the picks are (same client, payloads and
 * subject length): what the bus and the machine alone make of a request meanwhile.
 */
export const startEchoes = (natsUrl: string, fleet: Fleet, durationMs: number) =>
  pacedPicks(natsUrl, fleet, durationMs, 'echoes', ECHO_PREFIX, ECHOES_PER_SECOND);

/** Starts every load for `durationMs`; `done` resolves with what each saw. */
export async function startLoad(
  nc: NatsConnection,
  natsUrl: string,
  fleet: Fleet,
  durationMs: number,
  { withPicks = true }: { withPicks?: boolean } = {},
) {
  runs += 1;
  const picks = withPicks ? startPicks(natsUrl, fleet, durationMs) : undefined;
  const commands = request(natsUrl, {
    name: 'commands',
    source: { kind: 'pool.create', orgs: [COMMAND_ORG], prefix: `r${runs}-${Date.now().toString(36)}` },
    concurrency: 4,
    ratePerSecond: COMMANDS_PER_SECOND,
    warmupMs: 0,
    durationMs,
    timeoutMs: 5000,
    keepReplies: true,
  });
  await Promise.all([picks?.ready, commands.ready]);
  const startedAt = Date.now();
  const healthAt: number[] = [];
  const health = nc.subscribe(`gwpool.v1.${ORG}.health.${fleet.flapPoolId}`, {
    callback: () => {
      healthAt.push(Date.now());
    },
  });
  let failing = false;
  const flap = setInterval(() => {
    failing = !failing;
    nc.publish(`gwpool.v1.${ORG}.heartbeat.${FLAPPER}`, JSON.stringify({ check: failing ? 'failed' : 'passed' }));
  }, 500);
  const done = (async (): Promise<LoadResult> => {
    try {
      const [p, c] = await Promise.all([picks?.done, commands.done]);
      return { picks: p, commands: c, healthAt };
    } finally {
      clearInterval(flap);
      health.unsubscribe();
    }
  })();
  return { startedAt, done };
}

/** The longest silence of the health stream between `from` and `to`. */
export function longestGap(times: readonly number[], from: number, to: number): number {
  let last = from;
  let longest = 0;
  for (const t of times) {
    if (t < from || t > to) continue;
    longest = Math.max(longest, t - last);
    last = t;
  }
  return Math.max(longest, to - last);
}
