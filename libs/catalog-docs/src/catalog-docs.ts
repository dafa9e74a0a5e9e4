import { type ConsumerTarget, type OrgCatalog, type OrgEvent } from '@gwpool/domain';
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
    case 'GatewayDrainSet':
      return [{ collection: 'gateways', id: event.data.gatewayId }];
    case 'PoolCreated':
    case 'PoolRenamed':
    case 'PoolDescriptionChanged':
    case 'PoolStrategyChanged':
    case 'PoolCapacityChanged':
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
    case 'OrgAccountBound':
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
        accountPublicKey: catalog.accountPublicKey ?? null,
        quarantined: [...catalog.quarantined.values()],
      };
    case 'gateways': {
      const gateway = catalog.gateways.get(key.id);
      return (
        gateway && {
          gatewayId: gateway.gatewayId,
          name: gateway.name,
          zone: gateway.zone,
          tags: gateway.tags,
          draining: gateway.draining,
        }
      );
    }
    case 'pools': {
      const pool = catalog.pools.get(key.id);
      return (
        pool && {
          poolId: pool.poolId,
          name: pool.name,
          description: pool.description,
          strategy: pool.strategy,
          maxMembers: pool.maxMembers,
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
