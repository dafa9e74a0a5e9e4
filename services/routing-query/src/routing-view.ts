import type { Settings } from '@gwpool/config';
import {
  assertGatewayPoolsEnabled,
  DomainError,
  type HealthyPickContext,
  initialCatalog,
  type LivenessLookup,
  type OrgCatalog,
  type PoolState,
  requirePool,
} from '@gwpool/domain';
import type { LivenessView } from '@gwpool/liveness-view';
import type { CatalogFollower } from '@gwpool/log-followers';

/** The in-memory state every query reads; nothing here touches a database. */
export class RoutingView {
  /** Members as arrays for O(1) random draws, rebuilt when the org's catalog has moved on. */
  private readonly memberLists = new WeakMap<PoolState, { revision: number; members: readonly string[] }>();

  constructor(
    readonly catalog: CatalogFollower,
    readonly liveness: LivenessView,
    readonly settings: Settings,
  ) {}

  get ttlMs(): number {
    return this.settings.heartbeatTtlMs;
  }

  org(org: string): OrgCatalog {
    return this.catalog.get(org) ?? initialCatalog(org);
  }

  /** The org's catalog, refusing with FORBIDDEN when the org may not use pools. */
  poolsOf(org: string): OrgCatalog {
    const catalog = this.org(org);
    assertGatewayPoolsEnabled(catalog, this.settings.entitlements);
    return catalog;
  }

  pool(org: string, poolId: string): { catalog: OrgCatalog; pool: PoolState } {
    const catalog = this.poolsOf(org);
    return { catalog, pool: requirePool(catalog, poolId) };
  }

  members(catalog: OrgCatalog, pool: PoolState): readonly string[] {
    const revision = this.catalog.revision(catalog.org);
    const cached = this.memberLists.get(pool);
    if (cached?.revision === revision) return cached.members;
    const members = [...pool.members];
    this.memberLists.set(pool, { revision, members });
    return members;
  }

  lookup(org: string): LivenessLookup {
    return (gatewayId) => this.liveness.get(org, gatewayId);
  }

  /** Health is judged at this moment: the routing rules take the time and randomness from here. */
  pickContext(org: string): HealthyPickContext {
    return { liveness: this.lookup(org), now: Date.now(), ttlMs: this.ttlMs, random: Math.random };
  }

  consumer(org: string, consumerId: string) {
    const consumer = this.org(org).consumers.get(consumerId);
    if (!consumer)
      throw new DomainError('NOT_FOUND', `consumer '${consumerId}' not found in org '${org}'`, { consumerId });
    return consumer;
  }
}
