import type { GatewayView, PoolDetails, PoolMemberView, PoolSummary } from '@gwpool/contracts';
import { isHealthy, type Liveness, type OrgCatalog, type PoolState, poolStatus } from '@gwpool/domain';

export type LivenessLookup = (gatewayId: string) => Liveness | undefined;

const SAMPLING_TRIES = 8;

/**
 * A member chosen uniformly at random among the healthy ones, or undefined when none is.
 * Sampling first keeps a pick O(1) when most members are healthy (a rejected draw changes no odds);
 * only a mostly unhealthy pool pays for the full scan.
 */
export function pickHealthy(
  members: readonly string[],
  liveness: LivenessLookup,
  now: number,
  ttlMs: number,
  random: () => number = Math.random,
): string | undefined {
  if (members.length === 0) return undefined;
  for (let i = 0; i < SAMPLING_TRIES; i += 1) {
    const gatewayId = members[Math.floor(random() * members.length)] as string;
    if (isHealthy(liveness(gatewayId), now, ttlMs)) return gatewayId;
  }
  const healthy = members.filter((gatewayId) => isHealthy(liveness(gatewayId), now, ttlMs));
  return healthy.length === 0 ? undefined : healthy[Math.floor(random() * healthy.length)];
}

/** Health is computed at read time from the last heartbeat, so a TTL running out shows without any new event. */
export function countHealthy(pool: PoolState, liveness: LivenessLookup, now: number, ttlMs: number): number {
  let count = 0;
  for (const gatewayId of pool.members) if (isHealthy(liveness(gatewayId), now, ttlMs)) count += 1;
  return count;
}

export function poolSummary(pool: PoolState, liveness: LivenessLookup, now: number, ttlMs: number): PoolSummary {
  const healthy = countHealthy(pool, liveness, now, ttlMs);
  const total = pool.members.size;
  return {
    poolId: pool.poolId,
    name: pool.name,
    status: poolStatus(healthy, total),
    healthy,
    total,
    consumerCount: pool.consumers.size,
  };
}

function memberView(
  catalog: OrgCatalog,
  gatewayId: string,
  liveness: LivenessLookup,
  now: number,
  ttlMs: number,
): PoolMemberView {
  const gateway = catalog.gateways.get(gatewayId);
  const last = liveness(gatewayId);
  return {
    gatewayId,
    ...(gateway?.name !== undefined ? { name: gateway.name } : {}),
    ...(gateway?.zone !== undefined ? { zone: gateway.zone } : {}),
    healthy: isHealthy(last, now, ttlMs),
    lastHeartbeatAt: last ? new Date(last.at).toISOString() : null,
    lastCheck: last?.check ?? null,
  };
}

export function poolDetails(
  catalog: OrgCatalog,
  pool: PoolState,
  liveness: LivenessLookup,
  now: number,
  ttlMs: number,
): PoolDetails {
  const members = [...pool.members].map((gatewayId) => memberView(catalog, gatewayId, liveness, now, ttlMs));
  const healthy = members.filter((member) => member.healthy).length;
  return {
    poolId: pool.poolId,
    name: pool.name,
    ...(pool.description !== undefined ? { description: pool.description } : {}),
    status: poolStatus(healthy, members.length),
    healthy,
    total: members.length,
    consumerCount: pool.consumers.size,
    members,
  };
}

export function gatewayViews(catalog: OrgCatalog, liveness: LivenessLookup, now: number, ttlMs: number): GatewayView[] {
  return [...catalog.gateways.values()].map((gateway) => ({
    ...memberView(catalog, gateway.gatewayId, liveness, now, ttlMs),
    pools: [...gateway.pools],
  }));
}
