import { foldCatalog, type OrgEvent } from '@gwpool/domain';
import { docsOf, touchedBy } from './catalog-docs.js';
import { catalogsFromDocs } from './docs-to-catalogs.js';

const history: OrgEvent[] = [
  { type: 'GatewayRegistered', data: { gatewayId: 'gw-1', name: 'alpha' } },
  { type: 'PoolCreated', data: { poolId: 'p-eu', name: 'edge-eu' } },
  { type: 'PoolMemberAdded', data: { poolId: 'p-eu', gatewayId: 'gw-1' } },
  {
    type: 'ConsumerAttached',
    data: { consumerId: 'c-1', consumerType: 'pam', target: { kind: 'pool', poolId: 'p-eu' } },
  },
  { type: 'OrgAccountBound', data: { accountPublicKey: `A${'B'.repeat(55)}` } },
];

/** The docs the projector would have written after each event, keyed by the revision that last touched them. */
function written(org: string, events: OrgEvent[]) {
  const touched = new Map<
    string,
    { collection: 'orgs' | 'pools' | 'gateways' | 'consumers'; id: string; revision: number }
  >();
  events.forEach((event, revision) => {
    for (const key of touchedBy(org, event)) touched.set(`${key.collection}:${key.id}`, { ...key, revision });
  });
  return docsOf({ catalog: foldCatalog(org, events), revision: events.length - 1 }, touched.values());
}

describe('catalog docs', () => {
  it('writes the org doc at the revision the catalog stands at, and each other doc at the one that last changed it', () => {
    const docs = written('acme', history);

    expect(docs.map((d) => [d.collection, d.id, d.revision])).toEqual([
      ['gateways', 'gw-1', 0],
      ['pools', 'p-eu', 3],
      ['consumers', 'c-1', 3],
      ['orgs', 'acme', 4],
    ]);
  });

  it('rebuilds each org at the newest revision of its docs, with the catalog the events gave', () => {
    const rebuilt = catalogsFromDocs([...written('acme', history), ...written('globex', history.slice(0, 2))]);

    expect(rebuilt.get('acme')).toEqual({ catalog: foldCatalog('acme', history), revision: 4 });
    expect(rebuilt.get('acme')?.catalog.accountPublicKey).toBe(`A${'B'.repeat(55)}`);
    expect(rebuilt.get('globex')).toEqual({ catalog: foldCatalog('globex', history.slice(0, 2)), revision: 1 });
  });
});
