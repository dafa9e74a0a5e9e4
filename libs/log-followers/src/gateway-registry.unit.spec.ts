import { docsOf, touchedBy } from '@gwpool/catalog-docs';
import { applyRecorded, initialCatalog, type OrgCatalog, type OrgEvent } from '@gwpool/domain';
import type { EventLog, RecordedEvent } from '@gwpool/event-log';
import type { ReadModelStore, ViewDoc } from '@gwpool/read-model';
import { GatewayRegistry } from './gateway-registry.js';

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

/** A history with every way a gateway comes and goes, and events the catalog would quarantine. */
const history: [string, unknown][] = [
  ['GatewayRegistered', { gatewayId: 'gw-1' }],
  ['GatewayRegistered', { gatewayId: 'gw-2', name: 'beta' }],
  ['PoolCreated', { poolId: 'p-1', name: 'edge' }],
  ['PoolMemberAdded', { poolId: 'p-1', gatewayId: 'gw-1' }],
  ['GatewayRegistered', {}],
  ['GatewayRegistered', { gatewayId: 'bad id!' }],
  ['GatewayDeregistered', { gatewayId: 42 }],
  ['GatewayUpdated', { gatewayId: 'gw-3', zone: 'z-1' }],
  ['GatewayDeregistered', { gatewayId: 'gw-1' }],
  ['PoolMemberRemoved', { poolId: 'p-1', gatewayId: 'gw-1', reason: 'gateway-deregistered' }],
  ['GatewayRenamed', { gatewayId: 'gw-9' }],
  ['GatewayRegistered', { gatewayId: 'gw-4', extra: true }],
  ['GatewayRegistered', { gatewayId: 'gw-1', zone: 'z-2' }],
  ['OrgAccountBound', { accountPublicKey: `A${'B'.repeat(55)}` }],
  ['OrgAccountBound', { accountPublicKey: 'not a key' }],
  ['OrgAccountBound', { accountPublicKey: `A${'C'.repeat(55)}`, previousAccountPublicKey: `A${'B'.repeat(55)}` }],
];

const registry = () => new GatewayRegistry({} as EventLog, {} as ReadModelStore);

describe('the gateway registry', () => {
  it('knows exactly the gateways and the account the catalog fold knows, event after event, whatever the log holds', () => {
    const gateways = registry();
    let catalog: OrgCatalog = initialCatalog('acme');
    history.forEach(([type, data], revision) => {
      const event = recorded('acme', revision, type, data);
      gateways.apply(event);
      catalog = applyRecorded(catalog, event).state;
      for (const gatewayId of ['gw-1', 'gw-2', 'gw-3', 'gw-4', 'gw-9', 'bad id!'])
        expect([revision, gatewayId, gateways.has('acme', gatewayId)]).toEqual([
          revision,
          gatewayId,
          catalog.gateways.has(gatewayId),
        ]);
      expect([revision, gateways.accountOf('acme')]).toEqual([revision, catalog.accountPublicKey]);
    });
    expect(gateways.revision('acme')).toBe(history.length - 1);
  });

  it('ignores an event at or below the revision its org already stands at', () => {
    const gateways = registry();

    gateways.apply(recorded('acme', 0, 'GatewayRegistered', { gatewayId: 'gw-1' }));
    gateways.apply(recorded('acme', 1, 'GatewayDeregistered', { gatewayId: 'gw-1' }));
    gateways.apply(recorded('acme', 0, 'GatewayRegistered', { gatewayId: 'gw-1' }));

    expect(gateways.has('acme', 'gw-1')).toBe(false);
  });

  it('reports each event it moves an org past, gateway event or not, and stands at the last one', () => {
    const gateways = registry();
    const applied: string[] = [];
    gateways.onApplied((org, event) => applied.push(`${org}@${event.revision} ${event.type}`));

    gateways.apply(recorded('acme', 0, 'GatewayRegistered', { gatewayId: 'gw-1' }));
    gateways.apply(recorded('acme', 1, 'PoolCreated', { poolId: 'p-1', name: 'edge' }));
    gateways.apply(recorded('acme', 1, 'PoolCreated', { poolId: 'p-1', name: 'edge' }));
    gateways.apply(recorded('globex', 0, 'GatewayRegistered', { gatewayId: 'bad id!' }));

    expect(applied).toEqual(['acme@0 GatewayRegistered', 'acme@1 PoolCreated', 'globex@0 GatewayRegistered']);
    expect(gateways.position).toBe('globex:0');
  });

  it('keeps each org to itself', () => {
    const gateways = registry();

    gateways.apply(recorded('acme', 0, 'GatewayRegistered', { gatewayId: 'gw-1' }));

    expect([gateways.has('acme', 'gw-1'), gateways.has('globex', 'gw-1')]).toEqual([true, false]);
  });

  it('loads the gateways and the account of the views, at the revision of the newest doc, and follows on from there', async () => {
    const events: OrgEvent[] = [
      { type: 'GatewayRegistered', data: { gatewayId: 'gw-1' } },
      { type: 'GatewayRegistered', data: { gatewayId: 'gw-2' } },
      { type: 'GatewayDeregistered', data: { gatewayId: 'gw-2' } },
      { type: 'OrgEntitlementSet', data: { gatewayPools: true } },
      { type: 'OrgAccountBound', data: { accountPublicKey: `A${'B'.repeat(55)}` } },
    ];
    let catalog = initialCatalog('acme');
    const touched = new Map<string, ReturnType<typeof touchedBy>[number] & { revision: number }>();
    events.forEach((event, revision) => {
      catalog = applyRecorded(catalog, recorded('acme', revision, event.type, event.data)).state;
      for (const key of touchedBy('acme', event)) touched.set(`${key.collection}:${key.id}`, { ...key, revision });
    });
    const docs: ViewDoc[] = docsOf({ catalog, revision: 4 }, touched.values());
    const views = { loadSnapshot: () => Promise.resolve({ position: 'acme:4', docs }) } as unknown as ReadModelStore;
    const log = { subscribeToAll: () => ({ [Symbol.asyncIterator]: async function* () {}, close: async () => {} }) };
    const gateways = new GatewayRegistry(log as unknown as EventLog, views);

    await gateways.start();
    gateways.apply(recorded('acme', 4, 'GatewayRegistered', { gatewayId: 'gw-3' }));
    gateways.apply(recorded('acme', 5, 'GatewayRegistered', { gatewayId: 'gw-4' }));
    await gateways.stop();

    expect(['gw-1', 'gw-2', 'gw-3', 'gw-4'].map((id) => gateways.has('acme', id))).toEqual([true, false, false, true]);
    expect(gateways.accountOf('acme')).toBe(`A${'B'.repeat(55)}`);
    expect(gateways.revision('acme')).toBe(5);
  });
});
