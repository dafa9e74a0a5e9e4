import { type MemberFilter, type PoolScan, scanPool } from './member-filter.js';
import type { PickContext, PickRequest, RoutingMemory, RoutingPool } from './routing-types.js';

/** Scans kept per pool, one per (requireTags, preferZone) asked; callers choose those, so the count is bounded. */
const MAX_SCANS = 16;

/** The scans of one member list at one state version, by request shape. */
export interface ScanCache {
  readonly members: RoutingPool['members'];
  readonly stateVersion: number;
  readonly ttlMs: number;
  readonly scans: Map<string, CachedScan>;
}

interface CachedScan {
  readonly scan: PoolScan;
  /** The clock at the scan: a clock that went back may make an expired heartbeat young again. */
  readonly at: number;
}

/** Tags and zone are tokens at the edge; NUL separators keep two shapes apart even if they were not. */
const shapeOf = ({ requireTags, preferZone }: MemberFilter): string =>
  `${requireTags === undefined ? '' : `${requireTags.length}\u0000${requireTags.join('\u0000')}`}\u0000` +
  (preferZone === undefined ? '-' : `=${preferZone}`);

/**
 * The O(n) scan of every stage, reused while it holds: same member list, same `stateVersion` (no fact changed)
 * and the clock before its `stableUntil` (no heartbeat ran out, no ejection ended). A keyed pick, or a
 * `requireTags` pick that sampling could not settle, then costs one map lookup instead of a pass over every member.
 * Not cached: picks with `exclude` (retries, rare) and contexts without a `stateVersion`.
 */
export function cachedScan(
  pool: RoutingPool,
  request: PickRequest,
  filter: MemberFilter,
  context: PickContext,
): PoolScan {
  const { stateVersion, now, memory } = context;
  if (stateVersion === undefined || (request.exclude !== undefined && request.exclude.length > 0)) {
    return scanPool(pool, filter);
  }
  const cache = currentCache(memory, pool, stateVersion, context.ttlMs);
  const shape = shapeOf(filter);
  const cached = cache.scans.get(shape);
  if (cached !== undefined && now >= cached.at && now < cached.scan.stableUntil) return cached.scan;
  const scan = scanPool(pool, filter);
  if (cached === undefined && cache.scans.size >= MAX_SCANS) cache.scans.clear();
  cache.scans.set(shape, { scan, at: now });
  return scan;
}

function currentCache(memory: RoutingMemory, pool: RoutingPool, stateVersion: number, ttlMs: number): ScanCache {
  const cache = memory.scanCache;
  if (
    cache !== undefined &&
    cache.members === pool.members &&
    cache.stateVersion === stateVersion &&
    cache.ttlMs === ttlMs
  ) {
    return cache;
  }
  const fresh: ScanCache = { members: pool.members, stateVersion, ttlMs, scans: new Map() };
  memory.scanCache = fresh;
  return fresh;
}
