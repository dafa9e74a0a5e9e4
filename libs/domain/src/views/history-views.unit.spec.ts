import { catalogAt, healthAt, poolDetailsAt } from './history-views.js';

const t = (ms: number) => new Date(ms).toISOString();
const event = (revision: number, at: number, type: string, data: unknown) => ({
  streamId: 'gwpool-org-acme',
  revision,
  position: String(revision + 1),
  type,
  data,
  metadata: { occurredAt: t(at) },
});

const log = [
  event(0, 100, 'GatewayRegistered', { gatewayId: 'gw-1', zone: 'eu-1' }),
  event(1, 200, 'PoolCreated', { poolId: 'p1', name: 'edge-eu' }),
  event(2, 300, 'PoolMemberAdded', { poolId: 'p1', gatewayId: 'gw-1' }),
  event(3, 500, 'PoolRenamed', { poolId: 'p1', name: 'edge-west', previousName: 'edge-eu' }),
];
const transitions = [
  { type: 'GatewayBecameHealthy', data: { gatewayId: 'gw-1', at: t(350) } },
  { type: 'GatewayBecameUnhealthy', data: { gatewayId: 'gw-1', reason: 'check-failed', at: t(450) } },
];

describe('time travel over the log', () => {
  it('folds only the events accepted by then, and says whether the org existed yet', () => {
    expect(catalogAt('acme', log, 50).existed).toBe(false);
    const { catalog, existed } = catalogAt('acme', log, 400);
    expect(existed).toBe(true);
    expect(catalog.pools.get('p1')?.name).toBe('edge-eu');
    expect(catalogAt('acme', log, 500).catalog.pools.get('p1')?.name).toBe('edge-west');
  });

  it("shows each member's health as the transitions recorded by then left it", () => {
    const { catalog } = catalogAt('acme', log, 1000);
    const pool = catalog.pools.get('p1');
    if (!pool) throw new Error('no pool');
    expect(poolDetailsAt(catalog, pool, healthAt(transitions, 400)).members).toEqual([
      { gatewayId: 'gw-1', zone: 'eu-1', healthy: true, lastHeartbeatAt: null, lastCheck: 'passed' },
    ]);
    expect(poolDetailsAt(catalog, pool, healthAt(transitions, 450))).toMatchObject({
      status: 'red',
      healthy: 0,
      members: [{ gatewayId: 'gw-1', healthy: false, lastCheck: 'failed' }],
    });
    expect(poolDetailsAt(catalog, pool, healthAt(transitions, 300)).members[0]?.lastCheck).toBeNull();
  });
});
