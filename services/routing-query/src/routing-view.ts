import type { Settings } from '@gwpool/config';
import {
  assertGatewayPoolsEnabled,
  type DirectRouteContext,
  DomainError,
  initialCatalog,
  type LivenessLookup,
  type OrgCatalog,
  type PickContext,
  type PoolState,
  requirePool,
  type RoutingPool,
  suspectUntil,
  type ViewFacts,
} from '@gwpool/domain';
import type { LivenessView } from '@gwpool/liveness-view';
import type { CatalogFollower } from '@gwpool/log-followers';
import type { RoutingMetrics } from '@gwpool/observability';
import { RoutingTable } from './routing-table.js';

/** The in-memory state every query reads; nothing here touches a database. */
export class RoutingView {
  readonly table: RoutingTable;
  /** A load report is trusted for two heartbeat intervals. */
  private readonly loadFreshMs: number;

  constructor(
    readonly catalog: CatalogFollower,
    readonly liveness: LivenessView,
    readonly settings: Settings,
    /** Undefined when metrics are off. */
    readonly metrics?: RoutingMetrics,
  ) {
    this.table = new RoutingTable(liveness);
    this.loadFreshMs = 2 * settings.heartbeatIntervalMs;
  }

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

  /** The pool as routing sees it, rebuilt only when the org's catalog has moved on. */
  routingPool(catalog: OrgCatalog, pool: PoolState): RoutingPool {
    return this.table.pool(catalog, this.catalog.revision(catalog.org), pool);
  }

  lookup(org: string): LivenessLookup {
    return (gatewayId) => this.liveness.get(org, gatewayId);
  }

  /** Health is judged at this moment: the routing rules take the time and randomness from here. */
  pickContext(org: string, poolId: string): PickContext {
    return {
      now: Date.now(),
      ttlMs: this.ttlMs,
      random: Math.random,
      memory: this.table.memory(org, poolId),
      loadFreshMs: this.loadFreshMs,
      stateVersion: this.table.stateVersion(org),
    };
  }

  directContext(org: string): DirectRouteContext {
    return { liveness: this.lookup(org), now: Date.now(), ttlMs: this.ttlMs };
  }

  /** What views show besides health: each gateway's last load, and each member's ejection while it lasts. */
  facts(org: string, now: number): ViewFacts {
    return {
      load: (gatewayId) => this.liveness.load(org, gatewayId),
      suspectUntil: (poolId, gatewayId) => suspectUntil(this.table.ejectionsOf(org, poolId).get(gatewayId), now),
    };
  }

  consumer(org: string, consumerId: string) {
    const consumer = this.org(org).consumers.get(consumerId);
    if (!consumer)
      throw new DomainError('NOT_FOUND', `consumer '${consumerId}' not found in org '${org}'`, { consumerId });
    return consumer;
  }
}
