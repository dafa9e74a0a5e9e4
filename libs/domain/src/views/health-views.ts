import { type CheckResult, isHealthy, type LivenessLookup, type PoolStatus, poolStatus } from '../health.js';
import type { OrgCatalog, PoolState } from '../org-catalog.js';
import { overCapacity } from '../routing/member-capacity.js';
import { DEFAULT_ROUTING_STRATEGY, type LoadReport, type RoutingStrategy } from '../routing/routing-types.js';

/**
 * What queries show of pools and gateways. Health is computed at read time from the last heartbeat, so a TTL
 * running out shows without any new event. The wire replies (`@gwpool/contracts`) are these types. Routing facts
 * (tags, drain, load, ejection) appear only when there is something to say, so a pool that sets nothing reads as
 * it always did.
 */
export interface PoolSummary {
  poolId: string;
  name: string;
  status: PoolStatus;
  healthy: number;
  total: number;
  consumerCount: number;
}

/** The last load a gateway reported, and how old that report is at the time of the query. */
export interface LoadView {
  activeConnections: number;
  capacity?: number;
  reportedAt: string;
  ageMs: number;
}

export interface PoolMemberView {
  gatewayId: string;
  name?: string;
  zone?: string;
  tags?: string[];
  healthy: boolean;
  lastHeartbeatAt: string | null;
  lastCheck: CheckResult | null;
  /** Present (true) while the gateway drains. */
  draining?: true;
  load?: LoadView;
  /** Present (true) while callers' failure reports keep this member out of this pool's picks. */
  suspect?: true;
  suspectUntil?: string;
}

export interface PoolDetails extends PoolSummary {
  description?: string;
  strategy: RoutingStrategy;
  /** With a limit: the limit, and by how many members the pool is over it (after the limit was lowered). */
  maxMembers?: number;
  overCapacity?: number;
  members: PoolMemberView[];
}

export type GatewayView = Omit<PoolMemberView, 'suspect' | 'suspectUntil'> & { pools: string[] };

/** Facts views show besides health, each where the edge keeps it; absent lookups show nothing. */
export interface ViewFacts {
  load?: (gatewayId: string) => LoadReport | undefined;
  /** When the member's ejection from the pool ends, while it lasts. */
  suspectUntil?: (poolId: string, gatewayId: string) => number | undefined;
}

export function countHealthy(pool: PoolState, liveness: LivenessLookup, now: number, ttlMs: number): number {
  let count = 0;
  for (const gatewayId of pool.members) if (isHealthy(liveness(gatewayId), now, ttlMs)) count += 1;
  return count;
}

export function poolSummary(pool: PoolState, liveness: LivenessLookup, now: number, ttlMs: number): PoolSummary {
  return poolSummaryBy(pool, countHealthy(pool, liveness, now, ttlMs));
}

/** The summary with each member's health as given, e.g. as a health history recorded it. */
export function poolSummaryFrom(pool: PoolState, isHealthy: (gatewayId: string) => boolean): PoolSummary {
  let healthy = 0;
  for (const gatewayId of pool.members) if (isHealthy(gatewayId)) healthy += 1;
  return poolSummaryBy(pool, healthy);
}

function poolSummaryBy(pool: PoolState, healthy: number): PoolSummary {
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

const loadView = ({ activeConnections, capacity, at }: LoadReport, now: number): LoadView => ({
  activeConnections,
  ...(capacity !== undefined ? { capacity } : {}),
  reportedAt: new Date(at).toISOString(),
  ageMs: Math.max(0, now - at),
});

function gatewayFacts(
  catalog: OrgCatalog,
  gatewayId: string,
  liveness: LivenessLookup,
  now: number,
  ttlMs: number,
  facts: ViewFacts,
): PoolMemberView {
  const gateway = catalog.gateways.get(gatewayId);
  const last = liveness(gatewayId);
  const load = facts.load?.(gatewayId);
  return {
    gatewayId,
    ...(gateway?.name !== undefined ? { name: gateway.name } : {}),
    ...(gateway?.zone !== undefined ? { zone: gateway.zone } : {}),
    ...(gateway?.tags !== undefined ? { tags: [...gateway.tags] } : {}),
    healthy: isHealthy(last, now, ttlMs),
    lastHeartbeatAt: last ? new Date(last.at).toISOString() : null,
    lastCheck: last?.check ?? null,
    ...(gateway?.draining ? { draining: true } : {}),
    ...(load !== undefined ? { load: loadView(load, now) } : {}),
  };
}

export function poolDetails(
  catalog: OrgCatalog,
  pool: PoolState,
  liveness: LivenessLookup,
  now: number,
  ttlMs: number,
  facts: ViewFacts = {},
): PoolDetails {
  const members = [...pool.members].map((gatewayId): PoolMemberView => {
    const view = gatewayFacts(catalog, gatewayId, liveness, now, ttlMs, facts);
    const until = facts.suspectUntil?.(pool.poolId, gatewayId);
    return until === undefined ? view : { ...view, suspect: true, suspectUntil: new Date(until).toISOString() };
  });
  const healthy = members.filter((member) => member.healthy).length;
  const over = overCapacity({ poolId: pool.poolId, name: pool.name, members: members.length, maxMembers: pool.maxMembers });
  return {
    poolId: pool.poolId,
    name: pool.name,
    ...(pool.description !== undefined ? { description: pool.description } : {}),
    status: poolStatus(healthy, members.length),
    healthy,
    total: members.length,
    consumerCount: pool.consumers.size,
    strategy: pool.strategy ?? DEFAULT_ROUTING_STRATEGY,
    ...(pool.maxMembers !== undefined ? { maxMembers: pool.maxMembers, overCapacity: over } : {}),
    members,
  };
}

export function gatewayViews(
  catalog: OrgCatalog,
  liveness: LivenessLookup,
  now: number,
  ttlMs: number,
  facts: ViewFacts = {},
): GatewayView[] {
  return [...catalog.gateways.values()].map((gateway) => ({
    ...gatewayFacts(catalog, gateway.gatewayId, liveness, now, ttlMs, facts),
    pools: [...gateway.pools],
  }));
}
