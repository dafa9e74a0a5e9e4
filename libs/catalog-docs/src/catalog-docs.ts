import {
  type ConsumerTarget,
  type ConsumerType,
  initialCatalog,
  isRecord,
  type OrgCatalog,
  type OrgEvent,
  type QuarantinedEvent,
} from '@gwpool/domain';
import type { ViewCollection, ViewDoc } from '@gwpool/read-model';

/** The projector's checkpoint; readers load the views as of it and follow the log from there. */
export const PROJECTOR_CHECKPOINT = 'projector';

/** An org's catalog and the revision of its stream it stands at (-1: no event yet), as followers keep them. */
export interface CatalogAtRevision {
  catalog: OrgCatalog;
  revision: number;
}

export interface DocKey {
  collection: ViewCollection;
  id: string;
}

const poolOf = (target: ConsumerTarget | undefined): DocKey[] =>
  target?.kind === 'pool' ? [{ collection: 'pools', id: target.poolId }] : [];

/** Which view docs an event changes. */
export function touchedBy(org: string, event: OrgEvent): DocKey[] {
  switch (event.type) {
    case 'OrgEntitlementSet':
      return [{ collection: 'orgs', id: org }];
    case 'GatewayRegistered':
    case 'GatewayUpdated':
    case 'GatewayDeregistered':
      return [{ collection: 'gateways', id: event.data.gatewayId }];
    case 'PoolCreated':
    case 'PoolRenamed':
    case 'PoolDescriptionChanged':
    case 'PoolDeleted':
    case 'PoolMemberAdded':
    case 'PoolMemberRemoved':
      return [{ collection: 'pools', id: event.data.poolId }];
    case 'ConsumerAttached':
      return [
        { collection: 'consumers', id: event.data.consumerId },
        ...poolOf(event.data.target),
        ...poolOf(event.data.previousTarget),
      ];
    case 'ConsumerDetached':
      return [{ collection: 'consumers', id: event.data.consumerId }, ...poolOf(event.data.previousTarget)];
    case 'EventVoided':
      return [{ collection: 'orgs', id: org }];
    default: {
      const unknown: never = event;
      throw new Error(`unhandled event ${JSON.stringify(unknown)}`);
    }
  }
}

function bodyOf(catalog: OrgCatalog, key: DocKey): Record<string, unknown> | undefined {
  switch (key.collection) {
    case 'orgs':
      // The quarantine goes with the org, so readers and a rebuild restore the org as degraded.
      return {
        gatewayPoolsEntitled: catalog.gatewayPoolsEntitled ?? null,
        quarantined: [...catalog.quarantined.values()],
      };
    case 'gateways': {
      const gateway = catalog.gateways.get(key.id);
      return gateway && { gatewayId: gateway.gatewayId, name: gateway.name, zone: gateway.zone };
    }
    case 'pools': {
      const pool = catalog.pools.get(key.id);
      return (
        pool && {
          poolId: pool.poolId,
          name: pool.name,
          description: pool.description,
          members: [...pool.members],
          consumers: [...pool.consumers].map(([consumerId, consumerType]) => ({ consumerId, consumerType })),
        }
      );
    }
    case 'consumers': {
      const consumer = catalog.consumers.get(key.id);
      return (
        consumer && { consumerId: consumer.consumerId, consumerType: consumer.consumerType, target: consumer.target }
      );
    }
  }
}

/** A doc to write and the revision of the last event that changed it, so docs do not depend on batch boundaries. */
export interface TouchedDoc extends DocKey {
  revision: number;
}

/** The docs as the catalog stands now, tombstones for entities that are gone. The org doc, at the org's revision, always goes along. */
export function docsOf({ catalog, revision }: CatalogAtRevision, touched: Iterable<TouchedDoc>): ViewDoc[] {
  const docs: ViewDoc[] = [];
  for (const key of touched) {
    if (key.collection === 'orgs') continue;
    const body = bodyOf(catalog, key);
    docs.push({
      collection: key.collection,
      org: catalog.org,
      id: key.id,
      revision: key.revision,
      deleted: !body,
      body: body ?? {},
    });
  }
  const orgKey: DocKey = { collection: 'orgs', id: catalog.org };
  docs.push({
    ...orgKey,
    org: catalog.org,
    revision,
    deleted: false,
    body: bodyOf(catalog, orgKey) ?? {},
  });
  return docs;
}

const optional = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function quarantinedOf(value: unknown, org: string): QuarantinedEvent[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).flatMap((q) =>
    typeof q['revision'] === 'number'
      ? [
          {
            position: String(q['position']),
            org,
            streamId: String(q['streamId']),
            revision: q['revision'],
            type: String(q['type']),
            error: String(q['error']),
          },
        ]
      : [],
  );
}

/** Rebuilds catalogs, each at the newest revision of its docs, from a consistent snapshot of view docs. */
export function catalogsFromDocs(docs: Iterable<ViewDoc>): Map<string, CatalogAtRevision> {
  const catalogs = new Map<string, CatalogAtRevision>();
  const entryOf = (org: string) => {
    let entry = catalogs.get(org);
    if (!entry) catalogs.set(org, (entry = { catalog: initialCatalog(org), revision: -1 }));
    return entry;
  };
  const pools: ViewDoc[] = [];
  for (const doc of docs) {
    const entry = entryOf(doc.org);
    entry.revision = Math.max(entry.revision, doc.revision);
    const { catalog } = entry;
    if (doc.deleted) continue;
    const body = doc.body;
    switch (doc.collection) {
      case 'orgs':
        catalog.gatewayPoolsEntitled = (body['gatewayPoolsEntitled'] as boolean | null) ?? undefined;
        for (const q of quarantinedOf(body['quarantined'], doc.org)) catalog.quarantined.set(q.revision, q);
        break;
      case 'gateways':
        catalog.gateways.set(doc.id, {
          gatewayId: doc.id,
          name: optional(body['name']),
          zone: optional(body['zone']),
          pools: new Set(),
        });
        break;
      case 'consumers':
        catalog.consumers.set(doc.id, {
          consumerId: doc.id,
          consumerType: body['consumerType'] as ConsumerType,
          target: body['target'] as ConsumerTarget,
        });
        break;
      case 'pools':
        pools.push(doc);
        break;
    }
  }
  for (const doc of pools) {
    const { catalog } = entryOf(doc.org);
    const members = (doc.body['members'] as string[]) ?? [];
    const consumers = (doc.body['consumers'] as { consumerId: string; consumerType: ConsumerType }[]) ?? [];
    const name = doc.body['name'] as string;
    catalog.pools.set(doc.id, {
      poolId: doc.id,
      name,
      description: optional(doc.body['description']),
      members: new Set(members),
      consumers: new Map(consumers.map((c) => [c.consumerId, c.consumerType])),
    });
    catalog.poolIdByName.set(name, doc.id);
    for (const gatewayId of members) catalog.gateways.get(gatewayId)?.pools.add(doc.id);
  }
  return catalogs;
}

/** An org's registered gateway ids and the revision of its stream they stand at, as a lighter follower keeps them. */
export interface GatewayIdsAtRevision {
  gatewayIds: Set<string>;
  revision: number;
}

/** Each org's registered gateway ids from a consistent snapshot of view docs, at the newest revision of its docs. */
export function gatewayIdsFromDocs(docs: Iterable<ViewDoc>): Map<string, GatewayIdsAtRevision> {
  const orgs = new Map<string, GatewayIdsAtRevision>();
  for (const doc of docs) {
    let entry = orgs.get(doc.org);
    if (!entry) orgs.set(doc.org, (entry = { gatewayIds: new Set(), revision: -1 }));
    entry.revision = Math.max(entry.revision, doc.revision);
    if (doc.collection === 'gateways' && !doc.deleted) entry.gatewayIds.add(doc.id);
  }
  return orgs;
}
