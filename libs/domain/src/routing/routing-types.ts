import type { Liveness } from '../health.js';
import type { ScanCache } from './scan-cache.js';

/** How a pool chooses among its usable members when the request carries no `key`. */
export type RoutingStrategy = 'random' | 'round-robin' | 'least-loaded';

export const ROUTING_STRATEGIES: readonly RoutingStrategy[] = ['random', 'round-robin', 'least-loaded'];
export const DEFAULT_ROUTING_STRATEGY: RoutingStrategy = 'random';

/** The last load a gateway reported in a heartbeat; `at` is when it was received (epoch ms). */
export interface LoadReport {
  readonly activeConnections: number;
  /** Positive when given; without it a gateway's load is its raw connection count. */
  readonly capacity?: number;
  readonly at: number;
}

/**
 * A member with what routing needs to know about it. These are gateway facts, the same in every pool the
 * gateway belongs to, so an edge may keep one object per gateway, share it between its pools' member lists and
 * update it in place when a heartbeat, a drain or a registration changes it.
 */
export interface RoutingMember {
  readonly gatewayId: string;
  readonly zone?: string;
  readonly tags: readonly string[];
  readonly draining: boolean;
  /** The last heartbeat (after flap damping); healthy while younger than the TTL with a check that did not fail. */
  readonly liveness?: Liveness;
  readonly load?: LoadReport;
}

/**
 * A pool as routing sees it. Keep `members` the same array between picks while membership is unchanged, and
 * build a new one when it changes (never edit it in place): round-robin indexes into it, and keyed picks cache
 * the members' hashes by its identity.
 */
export interface RoutingPool {
  readonly poolId: string;
  readonly name: string;
  readonly members: readonly RoutingMember[];
  /** `random` when absent. */
  readonly strategy?: RoutingStrategy;
  /**
   * Passive ejection of this pool's members, by gateway id: suspect while `now < until`. Expired entries may
   * stay; `EjectionState` fits as it is. Absent or empty costs nothing.
   */
  readonly suspects?: ReadonlyMap<string, { readonly until: number }>;
}

/** What a caller may ask of one pick; empty lists mean the same as absent ones. */
export interface PickRequest {
  /** Members never to return, e.g. the one a failed first attempt went to. */
  readonly exclude?: readonly string[];
  /** Pins the pick: the same key gets the same member while that member stays usable. Overrides the strategy. */
  readonly key?: string;
  readonly preferZone?: string;
  /** Only members carrying every one of these tags are considered. */
  readonly requireTags?: readonly string[];
}

/**
 * Per-pool memory that survives between picks. Mutated by `pickRoute`; one per pool and process, created
 * with `newRoutingMemory()`. Losing it (a restart) only restarts the round-robin cycle and the pick counts.
 */
export interface RoutingMemory {
  /** Index in `members` where the next round-robin search starts. */
  cursor: number;
  /** Picks given to a gateway since its load report received at `at` (a newer report starts again at 0). */
  readonly picksSinceReport: Map<string, { at: number; picks: number }>;
  /** Rendezvous hashes of the member ids of `hashedMembers`, index for index: a keyed pick hashes only the key. */
  hashedMembers: readonly RoutingMember[] | undefined;
  memberHashes: Uint32Array;
  /** The last scans of every stage over the pool, reused while `PickContext.stateVersion` and the clock allow. */
  scanCache: ScanCache | undefined;
}

export const newRoutingMemory = (): RoutingMemory => ({
  cursor: 0,
  picksSinceReport: new Map(),
  hashedMembers: undefined,
  memberHashes: new Uint32Array(0),
  scanCache: undefined,
});

/** Everything a pick needs besides the pool and the request: no clock or random source of its own. */
export interface PickContext {
  readonly now: number;
  /** The heartbeat TTL: a member is healthy while its last heartbeat is younger and its check did not fail. */
  readonly ttlMs: number;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  readonly memory: RoutingMemory;
  /** A load report older than this is not trusted (two heartbeat intervals). */
  readonly loadFreshMs: number;
  /**
   * A number the edge changes whenever a fact a pick reads may have changed, other than by time passing: a
   * member's health (a heartbeat that revives or fails it), drain, zone or tags edited in place, or the pool's
   * suspects. While it and the member list stay the same, a pick may reuse an earlier scan of the pool until a
   * heartbeat runs out or an ejection ends. Absent: every pick reads every fact afresh.
   */
  readonly stateVersion?: number;
}

export interface RoutePicked {
  readonly ok: true;
  readonly gatewayId: string;
  readonly zone?: string;
  /** Every usable member was suspect, and the pick went ahead among them anyway. */
  readonly panic: boolean;
}

export type RouteRefusalCode = 'NO_MATCHING_GATEWAY' | 'NO_HEALTHY_GATEWAY';

export interface RouteRefused {
  readonly ok: false;
  readonly code: RouteRefusalCode;
  readonly message: string;
  readonly details: {
    readonly poolId: string;
    /** Usable members left after health and exclusion: always 0 in a refusal. */
    readonly healthy: number;
    /** Members considered: all of them, or those with every required tag. */
    readonly total: number;
    readonly excluded: number;
    readonly draining: number;
    readonly requireTags?: readonly string[];
  };
}

export type PickOutcome = RoutePicked | RouteRefused;
