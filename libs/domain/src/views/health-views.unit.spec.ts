import type { Liveness } from '../health.js';
import { foldCatalog } from '../org-catalog.js';
import type { OrgEvent } from '../events.js';
import { countHealthy, gatewayViews, poolDetails, poolSummary } from './health-views.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const TTL = 30_000;

const history: OrgEvent[] = [
  { type: 'GatewayRegistered', data: { gatewayId: 'gw-1', name: 'alpha', zone: 'eu-1a' } },
  { type: 'GatewayRegistered', data: { gatewayId: 'gw-2' } },
  { type: 'GatewayRegistered', data: { gatewayId: 'gw-3' } },
  { type: 'PoolCreated', data: { poolId: 'p-eu', name: 'edge-eu', description: 'EU edge' } },
  { type: 'PoolMemberAdded', data: { poolId: 'p-eu', gatewayId: 'gw-1' } },
  { type: 'PoolMemberAdded', data: { poolId: 'p-eu', gatewayId: 'gw-2' } },
  { type: 'PoolMemberAdded', data: { poolId: 'p-eu', gatewayId: 'gw-3' } },
  {
    type: 'ConsumerAttached',
    data: { consumerId: 'c-1', consumerType: 'pam', target: { kind: 'pool', poolId: 'p-eu' } },
  },
];
const catalog = foldCatalog('acme', history);
const pool = catalog.pools.get('p-eu')!;

/** gw-1 beat a second ago, gw-2's check failed, gw-3 never beat. */
const beats = new Map<string, Liveness>([
  ['gw-1', { at: NOW - 1000, check: 'passed' }],
  ['gw-2', { at: NOW - 1000, check: 'failed' }],
]);
const lookup = (id: string) => beats.get(id);

describe('health views', () => {
  it('counts the members that are healthy now', () => {
    expect(countHealthy(pool, lookup, NOW, TTL)).toBe(1);
    expect(countHealthy(pool, lookup, NOW + TTL, TTL)).toBe(0);
  });

  it('summarises a pool: yellow while some but not all members are healthy, red when none is', () => {
    expect(poolSummary(pool, lookup, NOW, TTL)).toEqual({
      poolId: 'p-eu',
      name: 'edge-eu',
      status: 'yellow',
      healthy: 1,
      total: 3,
      consumerCount: 1,
    });
    expect(poolSummary(pool, lookup, NOW + TTL, TTL).status).toBe('red');
  });

  it('details each member with its last heartbeat, and nulls for one that never beat', () => {
    const details = poolDetails(catalog, pool, lookup, NOW, TTL);

    expect(details).toMatchObject({ description: 'EU edge', status: 'yellow', healthy: 1, total: 3 });
    expect(details.members).toEqual([
      {
        gatewayId: 'gw-1',
        name: 'alpha',
        zone: 'eu-1a',
        healthy: true,
        lastHeartbeatAt: new Date(NOW - 1000).toISOString(),
        lastCheck: 'passed',
      },
      {
        gatewayId: 'gw-2',
        healthy: false,
        lastHeartbeatAt: new Date(NOW - 1000).toISOString(),
        lastCheck: 'failed',
      },
      { gatewayId: 'gw-3', healthy: false, lastHeartbeatAt: null, lastCheck: null },
    ]);
  });

  it('lists every registered gateway with its health and the pools it is in', () => {
    const views = gatewayViews(catalog, lookup, NOW, TTL);

    expect(views.map((v) => [v.gatewayId, v.healthy, v.pools])).toEqual([
      ['gw-1', true, ['p-eu']],
      ['gw-2', false, ['p-eu']],
      ['gw-3', false, ['p-eu']],
    ]);
  });
});
