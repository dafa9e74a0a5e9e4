import type { CreatePool, DeletePool, EntitlementPolicy, UpdatePool } from '../commands.js';
import { conflict, DomainError } from '../errors.js';
import type { OrgEvent } from '../events.js';
import type { OrgCatalog } from '../org-catalog.js';
import { DEFAULT_ROUTING_STRATEGY } from '../routing/routing-types.js';
import { listed, requirePool, shown } from './lookups.js';
import { assertGatewayPoolsEnabled } from './org-rules.js';

/** The name is a slug: assertValidCommand checked it. */
function requireFreeName(state: OrgCatalog, name: string, poolId: string): void {
  const holder = state.poolIdByName.get(name);
  if (holder !== undefined && holder !== poolId) {
    throw conflict(`a pool named '${name}' already exists in org '${state.org}'`, { name, poolId: holder });
  }
}

export function decideCreatePool(command: CreatePool, state: OrgCatalog, policy: EntitlementPolicy): OrgEvent[] {
  assertGatewayPoolsEnabled(state, policy);
  const { poolId, name, description, strategy, maxMembers } = command.data;
  if (state.pools.has(poolId)) throw conflict(`pool '${poolId}' already exists`, { poolId });
  requireFreeName(state, name, poolId);
  // The defaults (random, no limit) are what an absent field means, so they are not stored.
  return [
    {
      type: 'PoolCreated',
      data: {
        poolId,
        name,
        ...(description ? { description } : {}),
        ...(strategy !== undefined && strategy !== DEFAULT_ROUTING_STRATEGY ? { strategy } : {}),
        ...(maxMembers ? { maxMembers } : {}),
      },
    },
  ];
}

/**
 * Each change is its own event, in this order: rename, description, strategy, capacity. An empty description clears
 * it; `maxMembers` 0 lifts the limit. Lowering `maxMembers` below the member count removes nobody.
 */
export function decideUpdatePool(command: UpdatePool, state: OrgCatalog, policy: EntitlementPolicy): OrgEvent[] {
  assertGatewayPoolsEnabled(state, policy);
  const pool = requirePool(state, command.data.poolId);
  const { name, description } = command.data;
  const events: OrgEvent[] = [];
  if (name !== undefined && name !== pool.name) {
    requireFreeName(state, name, pool.poolId);
    events.push({ type: 'PoolRenamed', data: { poolId: pool.poolId, name, previousName: pool.name } });
  }
  const nextDescription = description === '' ? undefined : description;
  if (description !== undefined && nextDescription !== pool.description) {
    events.push({
      type: 'PoolDescriptionChanged',
      data: { poolId: pool.poolId, ...(nextDescription ? { description: nextDescription } : {}) },
    });
  }
  const { strategy, maxMembers } = command.data;
  if (strategy !== undefined && strategy !== (pool.strategy ?? DEFAULT_ROUTING_STRATEGY)) {
    events.push({ type: 'PoolStrategyChanged', data: { poolId: pool.poolId, strategy } });
  }
  const nextMax = maxMembers === 0 ? undefined : maxMembers;
  if (maxMembers !== undefined && nextMax !== pool.maxMembers) {
    events.push({
      type: 'PoolCapacityChanged',
      data: { poolId: pool.poolId, ...(nextMax !== undefined ? { maxMembers: nextMax } : {}) },
    });
  }
  return events;
}

/** A pool with consumers cannot go: they would reference nothing. Members do not hold it back. */
export function decideDeletePool(command: DeletePool, state: OrgCatalog, policy: EntitlementPolicy): OrgEvent[] {
  assertGatewayPoolsEnabled(state, policy);
  const pool = requirePool(state, command.data.poolId);
  if (pool.consumers.size > 0) {
    const ids = [...pool.consumers.keys()];
    throw new DomainError(
      'POOL_IN_USE',
      `pool '${pool.name}' is used by ${ids.length} consumer${ids.length === 1 ? '' : 's'} (${listed(ids)}); move or detach them first`,
      { poolId: pool.poolId, consumerCount: ids.length, consumerIds: shown(ids) },
    );
  }
  return [{ type: 'PoolDeleted', data: { poolId: pool.poolId, name: pool.name } }];
}
