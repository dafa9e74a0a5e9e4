import type { EventLog, RecordedEvent } from '@gwpool/event-log';
import type { ReadModelStore } from '@gwpool/read-model';
import { CatalogFollower } from './catalog-follower.js';

const recorded = (org: string, revision: number, type: string, data: unknown): RecordedEvent => ({
  id: `${org}-${revision}`,
  streamId: `gwpool-org-${org}`,
  revision,
  position: `${org}:${revision}`,
  type,
  data,
  metadata: { correlationId: 'c', causationId: 'c', occurredAt: '2026-01-01T00:00:00Z' },
  recordedAt: new Date(0),
});

/** Applied by hand: neither the log nor the views are touched until start(). */
const follower = () => new CatalogFollower({} as EventLog, {} as ReadModelStore);

describe('the catalog follower', () => {
  it('starts an org it has not seen at revision -1 and moves it past every event, applied or quarantined', () => {
    const catalogs = follower();
    const quarantined: number[] = [];
    catalogs.onQuarantine((_, q) => quarantined.push(q.revision));
    expect(catalogs.revision('acme')).toBe(-1);

    catalogs.apply(recorded('acme', 0, 'GatewayRegistered', { gatewayId: 'gw-1' }));
    catalogs.apply(recorded('acme', 1, 'PoolCreated', { poolId: 'p1', name: 42 }));

    expect(catalogs.revision('acme')).toBe(1);
    expect(quarantined).toEqual([1]);
    expect(catalogs.position).toBe('acme:1');
    expect([...(catalogs.get('acme')?.gateways.keys() ?? [])]).toEqual(['gw-1']);
  });

  it('ignores an event at or below the revision its org already stands at', () => {
    const catalogs = follower();
    const applied: number[] = [];
    catalogs.onEvent((_, __, event) => applied.push(event.revision));

    catalogs.apply(recorded('acme', 0, 'GatewayRegistered', { gatewayId: 'gw-1' }));
    catalogs.apply(recorded('acme', 1, 'GatewayDeregistered', { gatewayId: 'gw-1' }));
    catalogs.apply(recorded('acme', 0, 'GatewayRegistered', { gatewayId: 'gw-1' }));

    expect(applied).toEqual([0, 1]);
    expect(catalogs.get('acme')?.gateways.size).toBe(0);
  });

  it('keeps each org at its own revision', () => {
    const catalogs = follower();

    catalogs.apply(recorded('acme', 0, 'GatewayRegistered', { gatewayId: 'gw-1' }));
    catalogs.apply(recorded('globex', 0, 'GatewayRegistered', { gatewayId: 'gw-1' }));
    catalogs.apply(recorded('globex', 1, 'GatewayRegistered', { gatewayId: 'gw-2' }));

    expect([catalogs.revision('acme'), catalogs.revision('globex'), catalogs.size]).toEqual([0, 1, 2]);
  });
});
