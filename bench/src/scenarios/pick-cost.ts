// The routing rules alone, in this process: what one pickRoute costs on a 500-member pool per strategy and option,
// without NATS. It tells the rule's share of a route.pick from the transport's, which the request figures mix.
import {
  newRoutingMemory,
  type PickRequest,
  pickRoute,
  type RoutingMember,
  type RoutingPool,
  type RoutingStrategy,
} from '@gwpool/domain';

const MEMBERS = 500;
const PICKS = 200_000;

function poolOf(strategy: RoutingStrategy, now: number): RoutingPool {
  const members: RoutingMember[] = Array.from({ length: MEMBERS }, (_, g) => ({
    gatewayId: `gw-${g}`,
    zone: `zone-${g % 3}`,
    tags: g % 4 === 0 ? ['pci'] : [],
    draining: false,
    liveness: { at: now, check: 'passed' },
    load: { activeConnections: (g * 37) % 100, capacity: 100, at: now },
  }));
  return { poolId: 'p', name: 'bench', members, strategy, suspects: new Map() };
}

/** Nanoseconds per pick, median of three timed rounds after a warm-up round. */
export function pickCosts(): { label: string; nsPerPick: number }[] {
  const now = Date.now();
  const variants: { label: string; strategy: RoutingStrategy; request: (i: number) => PickRequest }[] = [
    { label: 'random', strategy: 'random', request: () => ({}) },
    { label: 'round-robin', strategy: 'round-robin', request: () => ({}) },
    { label: 'least-loaded', strategy: 'least-loaded', request: () => ({}) },
    { label: 'random with key', strategy: 'random', request: (i) => ({ key: `session-${i % 1000}` }) },
    { label: 'random with preferZone', strategy: 'random', request: () => ({ preferZone: 'zone-1' }) },
    { label: 'random with requireTags', strategy: 'random', request: () => ({ requireTags: ['pci'] }) },
  ];
  return variants.map(({ label, strategy, request }) => {
    const pool = poolOf(strategy, now);
    // A state version, as routing-query passes one: no heartbeat or report changes the pool during the rounds.
    const context = {
      now,
      ttlMs: 3_600_000,
      random: Math.random,
      memory: newRoutingMemory(),
      loadFreshMs: 20_000,
      stateVersion: 0,
    };
    const requests = Array.from({ length: 1000 }, (_, i) => request(i));
    const round = (): number => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < PICKS; i += 1) pickRoute(pool, requests[i % 1000] as PickRequest, context);
      return Number(process.hrtime.bigint() - started) / PICKS;
    };
    round();
    const rounds = [round(), round(), round()].sort((a, b) => a - b);
    return { label, nsPerPick: rounds[1] as number };
  });
}
