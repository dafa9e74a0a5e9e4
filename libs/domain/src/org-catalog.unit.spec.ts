import {
  cloneCatalog,
  evolve,
  evolveInPlace,
  foldCatalog,
  initialCatalog,
  type ConsumerTarget,
  type OrgCatalog,
  type OrgEvent,
} from './index.js';

const ORG = 'acme';

const fold = (events: readonly OrgEvent[]): OrgCatalog => foldCatalog(ORG, events);

const registered = (gatewayId: string, name?: string, zone?: string): OrgEvent => ({
  type: 'GatewayRegistered',
  data: { gatewayId, name, zone },
});
const created = (poolId: string, name: string, description?: string): OrgEvent => ({
  type: 'PoolCreated',
  data: { poolId, name, ...(description === undefined ? {} : { description }) },
});
const renamed = (poolId: string, name: string, previousName: string): OrgEvent => ({
  type: 'PoolRenamed',
  data: { poolId, name, previousName },
});
const added = (poolId: string, gatewayId: string): OrgEvent => ({
  type: 'PoolMemberAdded',
  data: { poolId, gatewayId },
});
const removed = (
  poolId: string,
  gatewayId: string,
  reason: 'removed' | 'gateway-deregistered' = 'removed',
): OrgEvent => ({ type: 'PoolMemberRemoved', data: { poolId, gatewayId, reason } });
const detached = (consumerId: string, previousTarget: ConsumerTarget): OrgEvent => ({
  type: 'ConsumerDetached',
  data: { consumerId, previousTarget },
});
const attached = (consumerId: string, target: ConsumerTarget, previousTarget?: ConsumerTarget): OrgEvent => ({
  type: 'ConsumerAttached',
  data: { consumerId, consumerType: 'kubernetes-auth', target, ...(previousTarget ? { previousTarget } : {}) },
});
const pool = (poolId: string): ConsumerTarget => ({ kind: 'pool', poolId });
const gateway = (gatewayId: string): ConsumerTarget => ({ kind: 'gateway', gatewayId });

/** Two pools sharing gw-1, one consumer on each pool and one on a gateway. */
const history: OrgEvent[] = [
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
const later: OrgEvent[] = [
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

const poolIds = (state: OrgCatalog, gatewayId: string) => [...(state.gateways.get(gatewayId)?.pools ?? [])];
const members = (state: OrgCatalog, poolId: string) => [...(state.pools.get(poolId)?.members ?? [])];
const consumersOf = (state: OrgCatalog, poolId: string) => [...(state.pools.get(poolId)?.consumers.keys() ?? [])];

describe('org catalog', () => {
  it('starts empty, with the entitlement unset', () => {
    expect(initialCatalog(ORG)).toEqual({
      org: ORG,
      gatewayPoolsEntitled: undefined,
      gateways: new Map(),
      pools: new Map(),
      poolIdByName: new Map(),
      consumers: new Map(),
      quarantined: new Map(),
    });
  });

  it('folds a history into gateways, pools, members, consumers and their indices', () => {
    const state = fold(history);
    expect(state.gatewayPoolsEntitled).toBe(true);
    expect(state.gateways.get('gw-1')).toEqual({
      gatewayId: 'gw-1',
      name: 'alpha',
      zone: 'eu-west-1a',
      pools: new Set(['p-eu', 'p-us']),
    });
    expect(poolIds(state, 'gw-2')).toEqual(['p-eu']);
    expect(state.poolIdByName).toEqual(
      new Map([
        ['edge-eu', 'p-eu'],
        ['edge-us', 'p-us'],
      ]),
    );
    expect(state.pools.get('p-eu')).toEqual({
      poolId: 'p-eu',
      name: 'edge-eu',
      description: 'EU edge',
      members: new Set(['gw-1', 'gw-2']),
      consumers: new Map([['c-1', 'kubernetes-auth']]),
    });
    expect(consumersOf(state, 'p-us')).toEqual(['c-2']);
    expect(state.consumers.get('c-3')).toEqual({
      consumerId: 'c-3',
      consumerType: 'kubernetes-auth',
      target: gateway('gw-2'),
    });
  });

  it('keeps members in the order they were added', () => {
    const state = fold([...history, registered('gw-0'), added('p-eu', 'gw-0')]);
    expect(members(state, 'p-eu')).toEqual(['gw-1', 'gw-2', 'gw-0']);
  });

  it('evolves into a new state and leaves the one it is given untouched', () => {
    const state = initialCatalog(ORG);
    const next = evolve(state, registered('gw-1'));
    expect(next).not.toBe(state);
    expect(next.gateways.has('gw-1')).toBe(true);
    expect(state).toEqual(initialCatalog(ORG));
  });

  it('leaves the state it is given untouched whatever the event', () => {
    let state = fold(history);
    const q = { position: '9', org: ORG, streamId: 'gwpool-org-acme', revision: 3, type: 'PoolCreated', error: 'e' };
    state.quarantined.set(3, q);
    const voided: OrgEvent = { type: 'EventVoided', data: { revision: 3, reason: 'repaired' } };
    for (const event of [...later, registered('gw-9'), created('p-ap', 'edge-ap'), added('p-ap', 'gw-9'), voided]) {
      const before = cloneCatalog(state);
      const next = evolve(state, event);
      expect(state).toEqual(before);
      expect(next).toEqual(evolveInPlace(cloneCatalog(before), event));
      state = next;
    }
  });

  it('evolves in place, for followers that own their state: the state it is given changes and comes back', () => {
    const state = initialCatalog(ORG);
    const next = evolveInPlace(state, registered('gw-1'));
    expect(next).toBe(state);
    expect(state.gateways.has('gw-1')).toBe(true);
  });

  it('updates a gateway without losing its pool memberships', () => {
    const state = fold([...history, { type: 'GatewayUpdated', data: { gatewayId: 'gw-1', zone: 'eu-west-1c' } }]);
    expect(state.gateways.get('gw-1')).toEqual({
      gatewayId: 'gw-1',
      name: undefined,
      zone: 'eu-west-1c',
      pools: new Set(['p-eu', 'p-us']),
    });
  });

  it('removes a membership from both the pool and the gateway', () => {
    const state = fold([...history, removed('p-eu', 'gw-1')]);
    expect(members(state, 'p-eu')).toEqual(['gw-2']);
    expect(poolIds(state, 'gw-1')).toEqual(['p-us']);
  });

  it('forgets a deregistered gateway and, with the removals that follow, its memberships', () => {
    const state = fold([
      ...history,
      { type: 'GatewayDeregistered', data: { gatewayId: 'gw-1' } },
      removed('p-eu', 'gw-1', 'gateway-deregistered'),
      removed('p-us', 'gw-1', 'gateway-deregistered'),
    ]);
    expect(state.gateways.has('gw-1')).toBe(false);
    expect(members(state, 'p-eu')).toEqual(['gw-2']);
    expect(members(state, 'p-us')).toEqual([]);
  });

  it('registers a gateway that comes back with no memberships', () => {
    const state = fold([
      ...history,
      { type: 'GatewayDeregistered', data: { gatewayId: 'gw-2' } },
      removed('p-eu', 'gw-2', 'gateway-deregistered'),
      registered('gw-2'),
    ]);
    expect(poolIds(state, 'gw-2')).toEqual([]);
  });

  it('moves the name index on rename, freeing the old name', () => {
    const state = fold([...history, renamed('p-eu', 'edge-west', 'edge-eu')]);
    expect(state.pools.get('p-eu')?.name).toBe('edge-west');
    expect(state.poolIdByName).toEqual(
      new Map([
        ['edge-west', 'p-eu'],
        ['edge-us', 'p-us'],
      ]),
    );
  });

  it('keeps the name index right through a rename, a reuse of the old name and a second rename', () => {
    const state = fold([
      ...history,
      renamed('p-eu', 'edge-west', 'edge-eu'),
      created('p-new', 'edge-eu'),
      renamed('p-eu', 'edge-west-2', 'edge-west'),
    ]);
    expect(state.poolIdByName.get('edge-eu')).toBe('p-new');
    expect(state.poolIdByName.has('edge-west')).toBe(false);
    expect(state.poolIdByName.get('edge-west-2')).toBe('p-eu');
  });

  it('changes and clears a description', () => {
    const changed = fold([
      ...history,
      { type: 'PoolDescriptionChanged', data: { poolId: 'p-us', description: 'US edge' } },
    ]);
    expect(changed.pools.get('p-us')?.description).toBe('US edge');
    const cleared = fold([...history, { type: 'PoolDescriptionChanged', data: { poolId: 'p-eu' } }]);
    expect(cleared.pools.get('p-eu')?.description).toBeUndefined();
  });

  it('deletes a pool, freeing its name and dropping it from its members', () => {
    const state = fold([
      ...history,
      detached('c-2', pool('p-us')),
      { type: 'PoolDeleted', data: { poolId: 'p-us', name: 'edge-us' } },
    ]);
    expect(state.pools.has('p-us')).toBe(false);
    expect(state.poolIdByName).toEqual(new Map([['edge-eu', 'p-eu']]));
    expect(poolIds(state, 'gw-1')).toEqual(['p-eu']);
  });

  it('unlinks a consumer from its old pool when it moves to another pool', () => {
    const state = fold([...history, attached('c-1', pool('p-us'), pool('p-eu'))]);
    expect(consumersOf(state, 'p-eu')).toEqual([]);
    expect(consumersOf(state, 'p-us')).toEqual(['c-2', 'c-1']);
    expect(state.consumers.get('c-1')?.target).toEqual(pool('p-us'));
  });

  it('unlinks a consumer from its pool when it moves to a gateway', () => {
    const state = fold([...history, attached('c-1', gateway('gw-1'), pool('p-eu'))]);
    expect(consumersOf(state, 'p-eu')).toEqual([]);
    expect(state.consumers.get('c-1')?.target).toEqual(gateway('gw-1'));
  });

  it('links a consumer to a pool when it moves there from a gateway', () => {
    const state = fold([...history, attached('c-3', pool('p-eu'), gateway('gw-2'))]);
    expect(consumersOf(state, 'p-eu')).toEqual(['c-1', 'c-3']);
  });

  it('records a consumer type change in the pool it stays in', () => {
    const state = fold([
      ...history,
      {
        type: 'ConsumerAttached',
        data: { consumerId: 'c-1', consumerType: 'pam', target: pool('p-eu'), previousTarget: pool('p-eu') },
      },
    ]);
    expect(state.pools.get('p-eu')?.consumers).toEqual(new Map([['c-1', 'pam']]));
    expect(state.consumers.get('c-1')?.consumerType).toBe('pam');
  });

  it('forgets a detached consumer and unlinks it from its pool', () => {
    const state = fold([...history, detached('c-1', pool('p-eu'))]);
    expect(state.consumers.has('c-1')).toBe(false);
    expect(consumersOf(state, 'p-eu')).toEqual([]);
  });

  it('forgets a consumer detached from a gateway', () => {
    const state = fold([...history, detached('c-3', gateway('gw-2'))]);
    expect([...state.consumers.keys()]).toEqual(['c-1', 'c-2']);
  });

  it('throws on an event type it does not know, rather than skipping it', () => {
    const bogus = { type: 'OrgRenamed', data: {} } as unknown as OrgEvent;
    expect(() => evolve(initialCatalog(ORG), bogus)).toThrow('unhandled event');
    expect(() => evolveInPlace(initialCatalog(ORG), bogus)).toThrow('unhandled event');
  });

  describe('cloneCatalog', () => {
    it('copies a catalog equal to the original', () => {
      const original = fold(history);
      expect(cloneCatalog(original)).toEqual(original);
    });

    it('leaves the original untouched when the copy evolves', () => {
      const original = fold(history);
      const copy = cloneCatalog(original);
      for (const event of later) evolveInPlace(copy, event);

      expect(original).toEqual(fold(history));
      expect(copy).not.toEqual(original);
    });

    it('shares no mutable entry with the original', () => {
      const original = fold(history);
      const copy = cloneCatalog(original);
      for (const gatewayState of copy.gateways.values()) {
        gatewayState.name = 'changed';
        gatewayState.pools.clear();
      }
      for (const poolState of copy.pools.values()) {
        poolState.name = 'changed';
        poolState.members.clear();
        poolState.consumers.clear();
      }
      for (const consumer of copy.consumers.values()) consumer.consumerType = 'pam';
      copy.poolIdByName.clear();

      expect(original).toEqual(fold(history));
    });

    it('is left untouched when the original evolves', () => {
      const original = fold(history);
      const copy = cloneCatalog(original);
      evolveInPlace(original, removed('p-eu', 'gw-1'));
      evolveInPlace(original, attached('c-1', pool('p-us'), pool('p-eu')));

      expect(copy).toEqual(fold(history));
    });
  });

  it('folds the same history into equal, independent catalogs', () => {
    const first = fold(history);
    const second = fold(history);
    expect(second).toEqual(first);

    evolveInPlace(first, removed('p-eu', 'gw-1'));
    expect(second).toEqual(fold(history));
  });

  it('folds to the same catalog as evolving event by event', () => {
    const stepwise = history.reduce((state, event) => evolve(state, event), initialCatalog(ORG));
    expect(fold(history)).toEqual(stepwise);
  });
});
