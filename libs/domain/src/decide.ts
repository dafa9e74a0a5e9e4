import { assertValidCommand } from './command-checks.js';
import type { EntitlementPolicy, OrgCommand } from './commands.js';
import { conflict, DomainError, notFound } from './errors.js';
import type { ConsumerTarget, OrgEvent } from './events.js';
import type { OrgCatalog, PoolState } from './org-catalog.js';

const IN_USE_SHOWN = 5;

/** The first few ids, for messages about what still uses something. */
const listed = (ids: readonly string[]): string =>
  ids.slice(0, IN_USE_SHOWN).join(', ') + (ids.length > IN_USE_SHOWN ? ', …' : '');

export const gatewayPoolsEnabled = (state: OrgCatalog, policy: EntitlementPolicy): boolean =>
  policy === 'open' ? state.gatewayPoolsEntitled !== false : state.gatewayPoolsEntitled === true;

export function assertGatewayPoolsEnabled(state: OrgCatalog, policy: EntitlementPolicy): void {
  if (!gatewayPoolsEnabled(state, policy)) {
    throw new DomainError('FORBIDDEN', `gateway pools are not enabled for org '${state.org}'`, { org: state.org });
  }
}

export function requirePool(state: OrgCatalog, poolId: string): PoolState {
  const pool = state.pools.get(poolId);
  if (!pool) throw notFound(`pool '${poolId}' not found in org '${state.org}'`, { poolId });
  return pool;
}

function requireGateway(state: OrgCatalog, gatewayId: string) {
  const gateway = state.gateways.get(gatewayId);
  if (!gateway) throw notFound(`gateway '${gatewayId}' is not registered in org '${state.org}'`, { gatewayId });
  return gateway;
}

/** The name is a slug: assertValidCommand checked it. */
function requireFreeName(state: OrgCatalog, name: string, poolId: string): void {
  const holder = state.poolIdByName.get(name);
  if (holder !== undefined && holder !== poolId) {
    throw conflict(`a pool named '${name}' already exists in org '${state.org}'`, { name, poolId: holder });
  }
}

const sameTarget = (a: ConsumerTarget, b: ConsumerTarget): boolean =>
  a.kind === 'pool' ? b.kind === 'pool' && a.poolId === b.poolId : b.kind === 'gateway' && a.gatewayId === b.gatewayId;

/** The gateways whose health decides whether a consumer may be attached to a target. */
export function gatewaysBehind(state: OrgCatalog, target: ConsumerTarget): string[] {
  if (target.kind === 'gateway') return [target.gatewayId];
  return [...(state.pools.get(target.poolId)?.members ?? [])];
}

function assertUsable(state: OrgCatalog, target: ConsumerTarget, healthy: ReadonlySet<string>): void {
  if (target.kind === 'gateway') {
    requireGateway(state, target.gatewayId);
    if (!healthy.has(target.gatewayId)) {
      throw new DomainError('NO_HEALTHY_GATEWAY', `gateway '${target.gatewayId}' is not healthy`, {
        gatewayId: target.gatewayId,
      });
    }
    return;
  }
  const pool = requirePool(state, target.poolId);
  let count = 0;
  for (const member of pool.members) if (healthy.has(member)) count += 1;
  if (count === 0) throw noHealthyGateway(pool, 0);
}

export const noHealthyGateway = (pool: PoolState, healthy: number): DomainError =>
  new DomainError(
    'NO_HEALTHY_GATEWAY',
    `pool '${pool.name}' has no healthy gateway (${healthy}/${pool.members.size} healthy)`,
    { poolId: pool.poolId, healthy, total: pool.members.size },
  );

/** Returns the events a command produces against the org's current state, or throws a DomainError. */
export function decide(command: OrgCommand, state: OrgCatalog, policy: EntitlementPolicy): OrgEvent[] {
  assertValidCommand(command);
  switch (command.type) {
    case 'SetEntitlement': {
      const { gatewayPools } = command.data;
      return state.gatewayPoolsEntitled === gatewayPools ? [] : [{ type: 'OrgEntitlementSet', data: { gatewayPools } }];
    }
    case 'RegisterGateway': {
      const { gatewayId, name, zone } = command.data;
      const existing = state.gateways.get(gatewayId);
      if (!existing) return [{ type: 'GatewayRegistered', data: { gatewayId, name, zone } }];
      if (existing.name === name && existing.zone === zone) return [];
      return [{ type: 'GatewayUpdated', data: { gatewayId, name, zone } }];
    }
    case 'DeregisterGateway': {
      const gateway = requireGateway(state, command.data.gatewayId);
      const users = [...state.consumers.values()].filter(
        (c) => c.target.kind === 'gateway' && c.target.gatewayId === gateway.gatewayId,
      );
      if (users.length > 0) {
        const ids = users.map((c) => c.consumerId);
        throw conflict(
          `gateway '${gateway.gatewayId}' is used directly by ${ids.length} consumer${ids.length === 1 ? '' : 's'} (${listed(ids)}); move or detach them first`,
          { gatewayId: gateway.gatewayId, consumerCount: ids.length, consumerIds: ids.slice(0, IN_USE_SHOWN) },
        );
      }
      return [
        { type: 'GatewayDeregistered', data: { gatewayId: gateway.gatewayId } },
        ...[...gateway.pools].map((poolId): OrgEvent => ({
          type: 'PoolMemberRemoved',
          data: { poolId, gatewayId: gateway.gatewayId, reason: 'gateway-deregistered' },
        })),
      ];
    }
    case 'CreatePool': {
      assertGatewayPoolsEnabled(state, policy);
      const { poolId, name, description } = command.data;
      if (state.pools.has(poolId)) throw conflict(`pool '${poolId}' already exists`, { poolId });
      requireFreeName(state, name, poolId);
      return [{ type: 'PoolCreated', data: { poolId, name, ...(description ? { description } : {}) } }];
    }
    case 'UpdatePool': {
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
    case 'DeletePool': {
      assertGatewayPoolsEnabled(state, policy);
      const pool = requirePool(state, command.data.poolId);
      if (pool.consumers.size > 0) {
        const ids = [...pool.consumers.keys()];
        throw new DomainError(
          'POOL_IN_USE',
          `pool '${pool.name}' is used by ${ids.length} consumer${ids.length === 1 ? '' : 's'} (${listed(ids)}); move or detach them first`,
          { poolId: pool.poolId, consumerCount: ids.length, consumerIds: ids.slice(0, IN_USE_SHOWN) },
        );
      }
      return [{ type: 'PoolDeleted', data: { poolId: pool.poolId, name: pool.name } }];
    }
    case 'AddPoolMember': {
      assertGatewayPoolsEnabled(state, policy);
      const pool = requirePool(state, command.data.poolId);
      requireGateway(state, command.data.gatewayId);
      if (pool.members.has(command.data.gatewayId)) return [];
      return [{ type: 'PoolMemberAdded', data: { poolId: pool.poolId, gatewayId: command.data.gatewayId } }];
    }
    case 'RemovePoolMember': {
      assertGatewayPoolsEnabled(state, policy);
      const pool = requirePool(state, command.data.poolId);
      const { gatewayId } = command.data;
      if (!pool.members.has(gatewayId)) {
        throw notFound(`gateway '${gatewayId}' is not a member of pool '${pool.name}'`, {
          poolId: pool.poolId,
          gatewayId,
        });
      }
      return [{ type: 'PoolMemberRemoved', data: { poolId: pool.poolId, gatewayId, reason: 'removed' } }];
    }
    case 'AttachConsumer': {
      const { consumerId, consumerType, target, healthyGatewayIds } = command.data;
      if (target.kind === 'pool') {
        assertGatewayPoolsEnabled(state, policy);
        requirePool(state, target.poolId);
      } else {
        requireGateway(state, target.gatewayId);
      }
      const existing = state.consumers.get(consumerId);
      if (existing && existing.consumerType === consumerType && sameTarget(existing.target, target)) return [];
      assertUsable(state, target, new Set(healthyGatewayIds));
      return [
        {
          type: 'ConsumerAttached',
          data: { consumerId, consumerType, target, ...(existing ? { previousTarget: existing.target } : {}) },
        },
      ];
    }
    case 'DetachConsumer': {
      const existing = state.consumers.get(command.data.consumerId);
      if (!existing) {
        throw notFound(`consumer '${command.data.consumerId}' not found in org '${state.org}'`, {
          consumerId: command.data.consumerId,
        });
      }
      return [{ type: 'ConsumerDetached', data: { consumerId: existing.consumerId, previousTarget: existing.target } }];
    }
    case 'VoidEvent': {
      const { revision, reason } = command.data;
      if (!state.quarantined.has(revision)) {
        throw notFound(`event ${revision} of org '${state.org}' is not quarantined`, { org: state.org, revision });
      }
      return [{ type: 'EventVoided', data: { revision, reason } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unhandled command ${JSON.stringify(unknown)}`);
    }
  }
}
