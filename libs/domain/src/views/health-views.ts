import { type CheckResult, isHealthy, type LivenessLookup, type PoolStatus, poolStatus } from '../health.js';
import type { OrgCatalog, PoolState } from '../org-catalog.js';

/**
 * What queries show of pools and gateways. Health is computed at read time from the last heartbeat, so a TTL
 * running out shows without any new event. The wire replies (`@gwpool/contracts`) are these types.
 */
export interface PoolSummary {
  poolId: string;
  name: string;
  status: PoolStatus;
  healthy: number;
  total: number;
  consumerCount: number;
}

export interface PoolMemberView {
  gatewayId: string;
  name?: string;
  zone?: string;
  healthy: boolean;
  lastHeartbeatAt: string | null;
  lastCheck: CheckResult | null;
}

export interface PoolDetails extends PoolSummary {
  description?: string;
  members: PoolMemberView[];
}

export interface GatewayView extends PoolMemberView {
  pools: string[];
}

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
