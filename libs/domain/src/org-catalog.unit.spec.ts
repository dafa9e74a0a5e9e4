import { evolve, evolveInPlace, initialCatalog, type OrgEvent } from './index.js';
import {
  ORG,
  fold,
  registered,
  created,
  renamed,
  added,
  removed,
  detached,
  attached,
  pool,
  gateway,
  history,
  poolIds,
  members,
  consumersOf,
} from './testing/catalog-history.js';

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
});
