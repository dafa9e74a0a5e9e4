// Over 200 lines: the catalog's state and the one fold that keeps it read best together.
import type { ConsumerTarget, ConsumerType, OrgEvent } from './events.js';
import type { RoutingStrategy } from './routing/routing-types.js';

/** An event of the org's stream that could not be applied: it is skipped, recorded, and the org is degraded. */
export interface QuarantinedEvent {
  /** The log's opaque position of the event. */
  position: string;
  org: string;
  streamId: string;
  revision: number;
  type: string;
  error: string;
}

export interface GatewayState {
  gatewayId: string;
  name?: string;
  zone?: string;
  /** Sorted, without duplicates; absent when it has none. */
  tags?: readonly string[];
  /** Set by a drain; kept across re-registrations. */
  draining?: boolean;
  /** Pools this gateway is a member of, kept by evolve so lookups never scan pools. */
  pools: Set<string>;
}

export interface PoolState {
  poolId: string;
  name: string;
  description?: string;
  /** How routing chooses among usable members; absent: random. */
  strategy?: RoutingStrategy;
  /** The most members it accepts; absent: no limit. May be below the member count (nobody is removed). */
  maxMembers?: number;
  /** Insertion-ordered member gateway ids. */
  members: Set<string>;
  consumers: Map<string, ConsumerType>;
}

export interface ConsumerState {
  consumerId: string;
  consumerType: ConsumerType;
  target: ConsumerTarget;
}

/**
 * Everything one org owns: the aggregate whose stream guards every cross-entity invariant. Which revision of the
 * stream it stands at is the repository's or the follower's business, not the domain's.
 */
export interface OrgCatalog {
  org: string;
  /** undefined until an operator sets it. */
  gatewayPoolsEntitled: boolean | undefined;
  /** The NATS account the org's tenants connect with; undefined until an operator binds one. */
  accountPublicKey: string | undefined;
  gateways: Map<string, GatewayState>;
  pools: Map<string, PoolState>;
  poolIdByName: Map<string, string>;
  consumers: Map<string, ConsumerState>;
  /** Quarantined events by revision, until an operator voids them (EventVoided). */
  quarantined: Map<number, QuarantinedEvent>;
}

export const initialCatalog = (org: string): OrgCatalog => ({
  org,
  gatewayPoolsEntitled: undefined,
  accountPublicKey: undefined,
  gateways: new Map(),
  pools: new Map(),
  poolIdByName: new Map(),
  consumers: new Map(),
  quarantined: new Map(),
});

function unlinkConsumer(state: OrgCatalog, consumerId: string, target: ConsumerTarget | undefined): void {
  if (target?.kind === 'pool') state.pools.get(target.poolId)?.consumers.delete(consumerId);
}

/** Folds one event into the catalog: returns the next state and leaves the one it is given untouched. */
export const evolve = (state: OrgCatalog, event: OrgEvent): OrgCatalog => evolveInPlace(cloneCatalog(state), event);

/**
 * `evolve` for the followers that fold a whole log and own their state (see the figures where each one uses it): it
 * changes and returns the state it is given. A catalog holds thousands of entries; copying it for every event would
 * make a replay quadratic.
 */
export function evolveInPlace(state: OrgCatalog, event: OrgEvent): OrgCatalog {
  switch (event.type) {
    case 'OrgEntitlementSet':
      state.gatewayPoolsEntitled = event.data.gatewayPools;
      return state;
    case 'GatewayRegistered':
    case 'GatewayUpdated': {
      const { gatewayId, name, zone, tags } = event.data;
      const existing = state.gateways.get(gatewayId);
      const pools = existing?.pools ?? new Set<string>();
      state.gateways.set(gatewayId, {
        gatewayId,
        name,
        zone,
        ...(tags !== undefined && tags.length > 0 ? { tags } : {}),
        ...(existing?.draining ? { draining: true } : {}),
        pools,
      });
      return state;
    }
    case 'GatewayDrainSet': {
      const gateway = state.gateways.get(event.data.gatewayId);
      if (gateway) {
        if (event.data.draining) gateway.draining = true;
        else delete gateway.draining;
      }
      return state;
    }
    case 'GatewayDeregistered':
      state.gateways.delete(event.data.gatewayId);
      return state;
    case 'PoolCreated': {
      const { poolId, name, description, strategy, maxMembers } = event.data;
      state.pools.set(poolId, {
        poolId,
        name,
        description,
        ...(strategy !== undefined ? { strategy } : {}),
        ...(maxMembers !== undefined ? { maxMembers } : {}),
        members: new Set(),
        consumers: new Map(),
      });
      state.poolIdByName.set(name, poolId);
      return state;
    }
    case 'PoolRenamed': {
      const pool = state.pools.get(event.data.poolId);
      if (pool) {
        if (state.poolIdByName.get(pool.name) === pool.poolId) state.poolIdByName.delete(pool.name);
        pool.name = event.data.name;
        state.poolIdByName.set(pool.name, pool.poolId);
      }
      return state;
    }
    case 'PoolDescriptionChanged': {
      const pool = state.pools.get(event.data.poolId);
      if (pool) pool.description = event.data.description;
      return state;
    }
    case 'PoolStrategyChanged': {
      const pool = state.pools.get(event.data.poolId);
      if (pool) pool.strategy = event.data.strategy;
      return state;
    }
    case 'PoolCapacityChanged': {
      const pool = state.pools.get(event.data.poolId);
      if (pool) {
        if (event.data.maxMembers === undefined) delete pool.maxMembers;
        else pool.maxMembers = event.data.maxMembers;
      }
      return state;
    }
    case 'PoolDeleted': {
      const pool = state.pools.get(event.data.poolId);
      if (pool) {
        if (state.poolIdByName.get(pool.name) === pool.poolId) state.poolIdByName.delete(pool.name);
        for (const gatewayId of pool.members) state.gateways.get(gatewayId)?.pools.delete(pool.poolId);
        state.pools.delete(pool.poolId);
      }
      return state;
    }
    case 'PoolMemberAdded':
      state.pools.get(event.data.poolId)?.members.add(event.data.gatewayId);
      state.gateways.get(event.data.gatewayId)?.pools.add(event.data.poolId);
      return state;
    case 'PoolMemberRemoved':
      state.pools.get(event.data.poolId)?.members.delete(event.data.gatewayId);
      state.gateways.get(event.data.gatewayId)?.pools.delete(event.data.poolId);
      return state;
    case 'ConsumerAttached': {
      const { consumerId, consumerType, target } = event.data;
      unlinkConsumer(state, consumerId, state.consumers.get(consumerId)?.target);
      state.consumers.set(consumerId, { consumerId, consumerType, target });
      if (target.kind === 'pool') state.pools.get(target.poolId)?.consumers.set(consumerId, consumerType);
      return state;
    }
    case 'ConsumerDetached':
      unlinkConsumer(state, event.data.consumerId, state.consumers.get(event.data.consumerId)?.target);
      state.consumers.delete(event.data.consumerId);
      return state;
    case 'EventVoided':
      state.quarantined.delete(event.data.revision);
      return state;
    case 'OrgAccountBound':
      state.accountPublicKey = event.data.accountPublicKey;
      return state;
    default: {
      const unknown: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

export function cloneCatalog(state: OrgCatalog): OrgCatalog {
  const gateways = new Map<string, GatewayState>();
  for (const [id, g] of state.gateways) gateways.set(id, { ...g, pools: new Set(g.pools) });
  const pools = new Map<string, PoolState>();
  for (const [id, p] of state.pools)
    pools.set(id, { ...p, members: new Set(p.members), consumers: new Map(p.consumers) });
  const consumers = new Map<string, ConsumerState>();
  for (const [id, c] of state.consumers) consumers.set(id, { ...c });
  return {
    ...state,
    gateways,
    pools,
    poolIdByName: new Map(state.poolIdByName),
    consumers,
    quarantined: new Map(state.quarantined),
  };
}

/** A history folded from the empty catalog; the state is its own from the start, so it folds in place. */
export const foldCatalog = (org: string, events: Iterable<OrgEvent>): OrgCatalog => {
  let state = initialCatalog(org);
  for (const event of events) state = evolveInPlace(state, event);
  return state;
};
