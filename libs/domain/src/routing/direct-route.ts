import { DomainError } from '../errors.js';
import { isHealthy, type LivenessLookup } from '../health.js';
import type { OrgCatalog, PoolState } from '../org-catalog.js';
import type { PickRequest, RoutePicked, RouteRefused } from './routing-types.js';

/** The refusal of a pool none of whose members may take traffic, with the counts. */
export const noHealthyGateway = (pool: PoolState, healthy: number): DomainError =>
  new DomainError(
    'NO_HEALTHY_GATEWAY',
    `pool '${pool.name}' has no healthy gateway (${healthy}/${pool.members.size} healthy)`,
    { poolId: pool.poolId, healthy, total: pool.members.size },
  );

/** A refused pick as the error the edge answers with; counts that are zero stay out of the details. */
export function refusalError(refused: RouteRefused): DomainError {
  const { excluded, draining, ...details } = refused.details;
  return new DomainError(refused.code, refused.message, {
    ...details,
    ...(excluded > 0 ? { excluded } : {}),
    ...(draining > 0 ? { draining } : {}),
  });
}

/** What a direct route needs: the liveness of the org's gateways and the time, judged with the TTL. */
export interface DirectRouteContext {
  readonly liveness: LivenessLookup;
  readonly now: number;
  readonly ttlMs: number;
}

/**
 * A consumer attached to one gateway routes through it only while it is registered, carries every required tag,
 * is healthy and is not excluded, in the order of a pool's pick (tags → health → exclude). Drain and zone only
 * prefer among members, so with one gateway they change nothing; ejection is per pool, so none applies.
 */
export function routeThroughGateway(
  catalog: OrgCatalog,
  consumerId: string,
  gatewayId: string,
  context: DirectRouteContext,
  request: PickRequest = {},
): RoutePicked {
  const gateway = catalog.gateways.get(gatewayId);
  const refuse = (code: 'NO_HEALTHY_GATEWAY' | 'NO_MATCHING_GATEWAY', why: string, extra = {}) =>
    new DomainError(code, `consumer '${consumerId}' routes through gateway '${gatewayId}', which ${why}`, {
      consumerId,
      gatewayId,
      ...extra,
    });
  if (!gateway) throw refuse('NO_HEALTHY_GATEWAY', 'is no longer registered');
  const requireTags = request.requireTags ?? [];
  const missing = requireTags.filter((tag) => !(gateway.tags ?? []).includes(tag));
  if (missing.length > 0) {
    throw refuse('NO_MATCHING_GATEWAY', `lacks the tags: ${missing.join(', ')}`, { requireTags });
  }
  if (!isHealthy(context.liveness(gatewayId), context.now, context.ttlMs)) throw refuse('NO_HEALTHY_GATEWAY', 'is not healthy');
  if (request.exclude?.includes(gatewayId)) throw refuse('NO_HEALTHY_GATEWAY', 'is excluded (1 excluded)', { excluded: 1 });
  return gateway.zone === undefined
    ? { ok: true, gatewayId, panic: false }
    : { ok: true, gatewayId, zone: gateway.zone, panic: false };
}
