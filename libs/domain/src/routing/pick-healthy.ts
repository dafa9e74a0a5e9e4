import { DomainError } from '../errors.js';
import { isHealthy, type LivenessLookup } from '../health.js';
import type { OrgCatalog, PoolState } from '../org-catalog.js';

const SAMPLING_TRIES = 8;

/**
 * The default route until the pipeline of `route-pick.ts` is wired: a member chosen uniformly at random among the
 * healthy ones, or undefined when none is. Sampling first keeps a pick O(1) when most members are healthy (a
 * rejected draw changes no odds); only a mostly unhealthy pool pays for the full scan.
 */
export function pickHealthy(
  members: readonly string[],
  liveness: LivenessLookup,
  now: number,
  ttlMs: number,
  random: () => number,
): string | undefined {
  if (members.length === 0) return undefined;
  for (let i = 0; i < SAMPLING_TRIES; i += 1) {
    const gatewayId = members[Math.floor(random() * members.length)] as string;
    if (isHealthy(liveness(gatewayId), now, ttlMs)) return gatewayId;
  }
  const healthy = members.filter((gatewayId) => isHealthy(liveness(gatewayId), now, ttlMs));
  return healthy.length === 0 ? undefined : healthy[Math.floor(random() * healthy.length)];
}

/** The refusal of a pool none of whose members may take traffic, with the counts. */
export const noHealthyGateway = (pool: PoolState, healthy: number): DomainError =>
  new DomainError(
    'NO_HEALTHY_GATEWAY',
    `pool '${pool.name}' has no healthy gateway (${healthy}/${pool.members.size} healthy)`,
    { poolId: pool.poolId, healthy, total: pool.members.size },
  );

/** What a pick needs besides the pool: the liveness of its members, the time, the TTL and a random source. */
export interface HealthyPickContext {
  readonly liveness: LivenessLookup;
  readonly now: number;
  readonly ttlMs: number;
  readonly random: () => number;
}

/** A healthy member of the pool (`members` is its member list as an array), or NO_HEALTHY_GATEWAY. */
export function routeThroughPool(pool: PoolState, members: readonly string[], context: HealthyPickContext): string {
  const gatewayId = pickHealthy(members, context.liveness, context.now, context.ttlMs, context.random);
  if (gatewayId === undefined) throw noHealthyGateway(pool, 0);
  return gatewayId;
}

/** A consumer attached to one gateway routes through it only while it is registered and healthy. */
export function routeThroughGateway(
  catalog: OrgCatalog,
  consumerId: string,
  gatewayId: string,
  context: Omit<HealthyPickContext, 'random'>,
): string {
  const registered = catalog.gateways.has(gatewayId);
  if (!registered || !isHealthy(context.liveness(gatewayId), context.now, context.ttlMs)) {
    const why = registered ? 'is not healthy' : 'is no longer registered';
    throw new DomainError(
      'NO_HEALTHY_GATEWAY',
      `consumer '${consumerId}' routes through gateway '${gatewayId}', which ${why}`,
      { consumerId, gatewayId },
    );
  }
  return gatewayId;
}
