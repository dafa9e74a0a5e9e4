import { isIdeal, isPanicRank, memberFilter, type MemberFilter, type PoolScan } from './member-filter.js';
import { lessLoaded, otherRandomIndex, randomIndex, recordPick } from './pick-strategies.js';
import { rendezvousIndex } from './rendezvous-hash.js';
import { cachedScan } from './scan-cache.js';
import type {
  PickContext,
  PickOutcome,
  PickRequest,
  RouteRefused,
  RoutingMember,
  RoutingPool,
} from './routing-types.js';

/** Random draws before a pick gives up sampling and scans the pool; the same bound as the original random pick. */
const SAMPLING_TRIES = 8;

/**
 * Picks a member of the pool. The stages run in a fixed order:
 *   tags → health → exclude → drain → suspect (or panic) → zone → key or strategy.
 * `requireTags`, health and `exclude` only remove members; drain, suspect and zone prefer some members and fall
 * back to the others when none is preferred; then `key` (rendezvous hashing) or the pool's strategy chooses.
 *
 * Cost: without a key, a few random draws usually find a member that passes every stage without falling back,
 * which is then a uniform (or round-robin, or two-choice) pick among exactly the members the stages leave, in
 * O(1) expected time. Only a key, or a pool where such members are rare, needs the O(n) scan, which is reused
 * while no fact changes (`stateVersion`) and no heartbeat or ejection runs out.
 */
export function pickRoute(pool: RoutingPool, request: PickRequest, context: PickContext): PickOutcome {
  const filter = memberFilter(pool, request, context);
  if (request.key === undefined) {
    const sampled = samplePick(pool, filter, context);
    if (sampled !== undefined) return picked(sampled, false);
  }
  const scan = cachedScan(pool, request, filter, context);
  if (scan.group.length === 0) return refusal(pool, filter, scan);
  const index =
    request.key === undefined
      ? chooseByStrategy(pool, scan, context)
      : rendezvousIndex(request.key, pool.members, context.memory, scan.group);
  return picked(pool.members[index] as RoutingMember, isPanicRank(scan.rank));
}

function picked({ gatewayId, zone }: RoutingMember, panic: boolean): PickOutcome {
  return zone === undefined ? { ok: true, gatewayId, panic } : { ok: true, gatewayId, zone, panic };
}

/** A uniform draw among the members that pass every stage without falling back, or undefined after a few misses. */
function sampleIdeal(pool: RoutingPool, filter: MemberFilter, random: () => number, not = -1): number | undefined {
  const { members } = pool;
  for (let i = 0; i < SAMPLING_TRIES; i += 1) {
    const index = randomIndex(random, members.length);
    if (index !== not && isIdeal(members[index] as RoutingMember, filter)) return index;
  }
  return undefined;
}

/**
 * The O(1) path. A member that passes every stage without falling back proves that no fallback happens, so the
 * stages leave exactly such members, and a rejected draw changes no odds.
 */
function samplePick(pool: RoutingPool, filter: MemberFilter, context: PickContext): RoutingMember | undefined {
  const { members } = pool;
  if (members.length === 0) return undefined;
  const strategy = pool.strategy ?? 'random';
  switch (strategy) {
    case 'random': {
      const index = sampleIdeal(pool, filter, context.random);
      return index === undefined ? undefined : members[index];
    }
    case 'round-robin': {
      const { memory } = context;
      const start = memory.cursor % members.length;
      for (let step = 0; step < Math.min(SAMPLING_TRIES, members.length); step += 1) {
        const index = (start + step) % members.length;
        if (isIdeal(members[index] as RoutingMember, filter)) {
          memory.cursor = index + 1;
          return members[index];
        }
      }
      return undefined;
    }
    case 'least-loaded': {
      const first = sampleIdeal(pool, filter, context.random);
      const second = first === undefined ? undefined : sampleIdeal(pool, filter, context.random, first);
      if (first === undefined || second === undefined) return undefined;
      const chosen = lessLoaded(members[first] as RoutingMember, members[second] as RoutingMember, context);
      recordPick(context.memory, chosen, members.length);
      return chosen;
    }
  }
}

/** Returns the index in the pool's members of the strategy's choice among the scan's group. */
function chooseByStrategy(pool: RoutingPool, scan: PoolScan, context: PickContext): number {
  const { group } = scan;
  const strategy = pool.strategy ?? 'random';
  switch (strategy) {
    case 'random':
      return group[randomIndex(context.random, group.length)] as number;
    case 'round-robin': {
      // The first remaining member at or after the cursor, wrapping around: the order the sampled path follows.
      const start = context.memory.cursor % pool.members.length;
      const at = group.findIndex((candidate) => candidate >= start);
      const index = group[at < 0 ? 0 : at] as number;
      context.memory.cursor = index + 1;
      return index;
    }
    case 'least-loaded': {
      if (group.length === 1) return group[0] as number;
      const at = randomIndex(context.random, group.length);
      const first = group[at] as number;
      const second = group[otherRandomIndex(context.random, group.length, at)] as number;
      const { members } = pool;
      const chosen = lessLoaded(members[first] as RoutingMember, members[second] as RoutingMember, context);
      recordPick(context.memory, chosen, members.length);
      return chosen === members[first] ? first : second;
    }
  }
}

function refusal(pool: RoutingPool, filter: MemberFilter, scan: PoolScan): RouteRefused {
  const { requireTags } = filter;
  const { matched: total, excluded, draining } = scan;
  const base = { poolId: pool.poolId, healthy: 0, total, excluded, draining };
  if (requireTags !== undefined && total === 0) {
    return {
      ok: false,
      code: 'NO_MATCHING_GATEWAY',
      message: `pool '${pool.name}' has no gateway with every tag of: ${requireTags.join(', ')}`,
      details: { ...base, requireTags },
    };
  }
  const counts = [`0/${total} healthy`];
  if (excluded > 0) counts.push(`${excluded} excluded`);
  if (draining > 0) counts.push(`${draining} draining`);
  const withTags = requireTags === undefined ? '' : ` with tags ${requireTags.join(', ')}`;
  return {
    ok: false,
    code: 'NO_HEALTHY_GATEWAY',
    message: `pool '${pool.name}' has no healthy gateway${withTags} (${counts.join(', ')})`,
    details: requireTags === undefined ? base : { ...base, requireTags },
  };
}
