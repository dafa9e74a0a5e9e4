import {
  type EjectionState,
  type Liveness,
  type LoadReport,
  newRoutingMemory,
  type OrgCatalog,
  type PoolState,
  type RoutingMember,
  type RoutingMemory,
  type RoutingPool,
} from '@gwpool/domain';
import type { LivenessView } from '@gwpool/liveness-view';

/**
 * A gateway as routing sees it. Zone, tags and drain come from the catalog at one revision; liveness and load are
 * read from the liveness view at each look, so a heartbeat needs no rebuild.
 */
class LiveMember implements RoutingMember {
  constructor(
    private readonly view: LivenessView,
    private readonly org: string,
    readonly gatewayId: string,
    readonly zone: string | undefined,
    readonly tags: readonly string[],
    readonly draining: boolean,
  ) {}

  get liveness(): Liveness | undefined {
    return this.view.get(this.org, this.gatewayId);
  }

  get load(): LoadReport | undefined {
    return this.view.load(this.org, this.gatewayId);
  }
}

const NO_TAGS: readonly string[] = [];

/** What routing keeps of one org at one catalog revision; rebuilt lazily, pool by pool, when the revision moves. */
interface OrgRouting {
  revision: number;
  readonly members: Map<string, LiveMember>;
  readonly pools: Map<string, RoutingPool>;
}

/**
 * Everything a pick reads besides the catalog, per routing-query instance: the pools as routing pools (member
 * arrays that stay the same between picks while membership does), each pool's routing memory (round-robin cursor,
 * picks since each load report) and each pool's passive ejections. The memory and ejections outlive a catalog
 * change; those of a deleted pool or a departed member are dropped at the next rebuild of the org.
 */
export class RoutingTable {
  private readonly orgs = new Map<string, OrgRouting>();
  /** By org, then pool id: a catalog change of one org only looks at that org's pools. */
  private readonly memories = new Map<string, Map<string, RoutingMemory>>();
  private readonly ejections = new Map<string, Map<string, Map<string, EjectionState>>>();
  /** By org: moves with every change of an ejection, so picks know to scan the pool again. */
  private readonly ejectionVersions = new Map<string, number>();

  constructor(private readonly liveness: LivenessView) {}

  /** The routing pool of `pool` as of `revision` of its org's catalog. */
  pool(catalog: OrgCatalog, revision: number, pool: PoolState): RoutingPool {
    const org = this.orgAt(catalog, revision);
    let routing = org.pools.get(pool.poolId);
    if (routing === undefined) {
      routing = {
        poolId: pool.poolId,
        name: pool.name,
        members: [...pool.members].map((gatewayId) => this.member(catalog, org, gatewayId)),
        strategy: pool.strategy ?? 'random',
        suspects: this.ejectionsOf(catalog.org, pool.poolId),
      };
      org.pools.set(pool.poolId, routing);
    }
    return routing;
  }

  memory(org: string, poolId: string): RoutingMemory {
    const pools = orgEntry(this.memories, org);
    let memory = pools.get(poolId);
    if (memory === undefined) pools.set(poolId, (memory = newRoutingMemory()));
    return memory;
  }

  /**
   * What picks in the org pass as `stateVersion`: it moves with the health of any gateway and with any ejection.
   * Drain, zone and tags come from the catalog, whose every revision builds new member lists.
   */
  stateVersion(org: string): number {
    return this.liveness.healthVersion(org) + (this.ejectionVersions.get(org) ?? 0);
  }

  /** Records a member's new ejection state; undefined forgets it. */
  putEjection(org: string, poolId: string, gatewayId: string, state: EjectionState | undefined): void {
    const states = this.ejectionsOf(org, poolId);
    if (states.get(gatewayId) === state) return;
    if (state === undefined) states.delete(gatewayId);
    else states.set(gatewayId, state);
    this.ejectionVersions.set(org, (this.ejectionVersions.get(org) ?? 0) + 1);
  }

  /** The pool's ejection states by gateway id, to read; routing reads it as the pool's suspects. */
  ejectionsOf(org: string, poolId: string): Map<string, EjectionState> {
    const pools = orgEntry(this.ejections, org);
    let states = pools.get(poolId);
    if (states === undefined) pools.set(poolId, (states = new Map<string, EjectionState>()));
    return states;
  }

  private orgAt(catalog: OrgCatalog, revision: number): OrgRouting {
    let org = this.orgs.get(catalog.org);
    if (org === undefined) {
      org = { revision, members: new Map(), pools: new Map() };
      this.orgs.set(catalog.org, org);
    } else if (org.revision !== revision) {
      org.revision = revision;
      org.members.clear();
      org.pools.clear();
      this.forgetDeparted(catalog);
    }
    return org;
  }

  private member(catalog: OrgCatalog, org: OrgRouting, gatewayId: string): LiveMember {
    let member = org.members.get(gatewayId);
    if (member === undefined) {
      const gateway = catalog.gateways.get(gatewayId);
      member = new LiveMember(
        this.liveness,
        catalog.org,
        gatewayId,
        gateway?.zone,
        gateway?.tags ?? NO_TAGS,
        gateway?.draining === true,
      );
      org.members.set(gatewayId, member);
    }
    return member;
  }

  /** Drops the memory and ejections of pools that are gone, and the ejections of members that left. */
  private forgetDeparted(catalog: OrgCatalog): void {
    const memories = this.memories.get(catalog.org);
    for (const poolId of memories?.keys() ?? []) if (!catalog.pools.has(poolId)) memories?.delete(poolId);
    const ejections = this.ejections.get(catalog.org);
    for (const [poolId, states] of ejections ?? []) {
      const pool = catalog.pools.get(poolId);
      if (pool === undefined) ejections?.delete(poolId);
      else for (const gatewayId of states.keys()) if (!pool.members.has(gatewayId)) states.delete(gatewayId);
    }
    this.ejectionVersions.set(catalog.org, (this.ejectionVersions.get(catalog.org) ?? 0) + 1);
  }
}

function orgEntry<T>(byOrg: Map<string, Map<string, T>>, org: string): Map<string, T> {
  let pools = byOrg.get(org);
  if (pools === undefined) byOrg.set(org, (pools = new Map<string, T>()));
  return pools;
}
