import type { CreatePool, DeletePool, EntitlementPolicy, UpdatePool } from '../commands.js';
import { conflict, DomainError } from '../errors.js';
import type { OrgEvent } from '../events.js';
import type { OrgCatalog } from '../org-catalog.js';
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
  const { poolId, name, description } = command.data;
  if (state.pools.has(poolId)) throw conflict(`pool '${poolId}' already exists`, { poolId });
  requireFreeName(state, name, poolId);
  return [{ type: 'PoolCreated', data: { poolId, name, ...(description ? { description } : {}) } }];
}

/** A rename and a description change are two events, rename first; an empty description clears it. */
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
