import {
  type ConsumerTarget,
  type ConsumerType,
  initialCatalog,
  isAccountKey,
  isRecord,
  isToken,
  LIMITS,
  type QuarantinedEvent,
  ROUTING_STRATEGIES,
  type RoutingStrategy,
} from '@gwpool/domain';
import type { ViewDoc } from '@gwpool/read-model';
import type { CatalogAtRevision } from './catalog-docs.js';

const optional = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
/** A doc is not trusted to hold a key: anything else reads as no binding, which refuses tenants rather than admits. */
const accountKeyOf = (value: unknown): string | undefined => (isAccountKey(value) ? value : undefined);

/** Docs are written from schema-checked events; a doc that says otherwise restores the default rather than junk. */
const tagsOf = (value: unknown): readonly string[] | undefined =>
  Array.isArray(value) && value.length > 0 && value.length <= LIMITS.tags && value.every(isToken) ? value : undefined;
const strategyOf = (value: unknown): RoutingStrategy | undefined =>
  typeof value === 'string' && (ROUTING_STRATEGIES as readonly string[]).includes(value)
    ? (value as RoutingStrategy)
    : undefined;
const maxMembersOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 ? value : undefined;

const present = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

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
        catalog.accountPublicKey = accountKeyOf(body['accountPublicKey']);
        for (const q of quarantinedOf(body['quarantined'], doc.org)) catalog.quarantined.set(q.revision, q);
        break;
      case 'gateways':
        catalog.gateways.set(doc.id, {
          gatewayId: doc.id,
          name: optional(body['name']),
          zone: optional(body['zone']),
          ...present({ tags: tagsOf(body['tags']), draining: body['draining'] === true ? true : undefined }),
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
      ...present({ strategy: strategyOf(doc.body['strategy']), maxMembers: maxMembersOf(doc.body['maxMembers']) }),
      members: new Set(members),
      consumers: new Map(consumers.map((c) => [c.consumerId, c.consumerType])),
    });
    catalog.poolIdByName.set(name, doc.id);
    for (const gatewayId of members) catalog.gateways.get(gatewayId)?.pools.add(doc.id);
  }
  return catalogs;
}

/**
 * An org's registered gateway ids, the account it is bound to, and the revision of its stream they stand at, as a
 * lighter follower keeps them.
 */
export interface GatewayIdsAtRevision {
  gatewayIds: Set<string>;
  accountPublicKey?: string;
  revision: number;
}

/** Each org's registered gateway ids and bound account from a consistent snapshot of view docs, at the newest revision of its docs. */
export function gatewayIdsFromDocs(docs: Iterable<ViewDoc>): Map<string, GatewayIdsAtRevision> {
  const orgs = new Map<string, GatewayIdsAtRevision>();
  for (const doc of docs) {
    let entry = orgs.get(doc.org);
    if (!entry) orgs.set(doc.org, (entry = { gatewayIds: new Set(), revision: -1 }));
    entry.revision = Math.max(entry.revision, doc.revision);
    if (doc.collection === 'gateways' && !doc.deleted) entry.gatewayIds.add(doc.id);
    if (doc.collection === 'orgs' && !doc.deleted) {
      const account = accountKeyOf(doc.body['accountPublicKey']);
      if (account === undefined) delete entry.accountPublicKey;
      else entry.accountPublicKey = account;
    }
  }
  return orgs;
}
