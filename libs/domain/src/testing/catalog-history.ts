// Test helpers for the catalog fold specs only; not exported from the domain.
import { type ConsumerTarget, foldCatalog, type OrgCatalog, type OrgEvent } from '../index.js';

export const ORG = 'acme';

export const fold = (events: readonly OrgEvent[]): OrgCatalog => foldCatalog(ORG, events);

export const registered = (gatewayId: string, name?: string, zone?: string): OrgEvent => ({
  type: 'GatewayRegistered',
  data: { gatewayId, name, zone },
});
export const created = (poolId: string, name: string, description?: string): OrgEvent => ({
  type: 'PoolCreated',
  data: { poolId, name, ...(description === undefined ? {} : { description }) },
});
export const renamed = (poolId: string, name: string, previousName: string): OrgEvent => ({
  type: 'PoolRenamed',
  data: { poolId, name, previousName },
});
export const added = (poolId: string, gatewayId: string): OrgEvent => ({
  type: 'PoolMemberAdded',
  data: { poolId, gatewayId },
});
export const removed = (
  poolId: string,
  gatewayId: string,
  reason: 'removed' | 'gateway-deregistered' = 'removed',
): OrgEvent => ({ type: 'PoolMemberRemoved', data: { poolId, gatewayId, reason } });
export const detached = (consumerId: string, previousTarget: ConsumerTarget): OrgEvent => ({
  type: 'ConsumerDetached',
  data: { consumerId, previousTarget },
});
export const attached = (consumerId: string, target: ConsumerTarget, previousTarget?: ConsumerTarget): OrgEvent => ({
  type: 'ConsumerAttached',
  data: { consumerId, consumerType: 'kubernetes-auth', target, ...(previousTarget ? { previousTarget } : {}) },
});
export const pool = (poolId: string): ConsumerTarget => ({ kind: 'pool', poolId });
export const gateway = (gatewayId: string): ConsumerTarget => ({ kind: 'gateway', gatewayId });

/** Two pools sharing gw-1, one consumer on each pool and one on a gateway. */
export const history: OrgEvent[] = [
  { type: 'OrgEntitlementSet', data: { gatewayPools: true } },
  registered('gw-1', 'alpha', 'eu-west-1a'),
  registered('gw-2'),
  created('p-eu', 'edge-eu', 'EU edge'),
  created('p-us', 'edge-us'),
  added('p-eu', 'gw-1'),
  added('p-eu', 'gw-2'),
  added('p-us', 'gw-1'),
  attached('c-1', pool('p-eu')),
  attached('c-2', pool('p-us')),
  attached('c-3', gateway('gw-2')),
];

/** Every kind of change, after the history. */
export const later: OrgEvent[] = [
  { type: 'OrgEntitlementSet', data: { gatewayPools: false } },
  { type: 'GatewayUpdated', data: { gatewayId: 'gw-1', name: 'omega' } },
  renamed('p-eu', 'edge-west', 'edge-eu'),
  { type: 'PoolDescriptionChanged', data: { poolId: 'p-eu' } },
  removed('p-eu', 'gw-2'),
  added('p-us', 'gw-2'),
  attached('c-1', pool('p-us'), pool('p-eu')),
  detached('c-3', gateway('gw-2')),
  detached('c-2', pool('p-us')),
  detached('c-1', pool('p-us')),
  { type: 'PoolDeleted', data: { poolId: 'p-us', name: 'edge-us' } },
  { type: 'GatewayDeregistered', data: { gatewayId: 'gw-1' } },
];

export const poolIds = (state: OrgCatalog, gatewayId: string) => [...(state.gateways.get(gatewayId)?.pools ?? [])];
export const members = (state: OrgCatalog, poolId: string) => [...(state.pools.get(poolId)?.members ?? [])];
export const consumersOf = (state: OrgCatalog, poolId: string) => [
  ...(state.pools.get(poolId)?.consumers.keys() ?? []),
];
