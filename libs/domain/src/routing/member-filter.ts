import { isHealthy } from '../health.js';
import type { PickContext, PickRequest, RoutingMember, RoutingPool } from './routing-types.js';

/**
 * The fallback stages as one number, lower is better: draining outweighs suspect, which outweighs the zone,
 * because the pipeline applies them in that order. The members left after all the stages are exactly those
 * with the lowest rank among the usable ones.
 */
const DRAINING = 4;
const SUSPECT = 2;
const OUT_OF_ZONE = 1;

/** A rank whose suspect bit is set means every remaining member was suspect: panic. */
export const isPanicRank = (rank: number): boolean => (rank & SUSPECT) !== 0;

/** The request's filters and the pick's clock, prepared once per pick. */
export interface MemberFilter {
  readonly requireTags: readonly string[] | undefined;
  readonly isExcluded: (gatewayId: string) => boolean;
  readonly preferZone: string | undefined;
  readonly suspects: RoutingPool['suspects'];
  readonly now: number;
  readonly ttlMs: number;
}

const NOTHING_EXCLUDED = (_gatewayId: string): boolean => false;
/** Past this many ids a Set beats scanning the list; validation should cap the list long before it matters. */
const SHORT_LIST = 8;

export function memberFilter(pool: RoutingPool, request: PickRequest, context: PickContext): MemberFilter {
  const { exclude, requireTags, preferZone } = request;
  let isExcluded: (gatewayId: string) => boolean = NOTHING_EXCLUDED;
  if (exclude !== undefined && exclude.length > 0) {
    if (exclude.length <= SHORT_LIST) isExcluded = (gatewayId) => exclude.includes(gatewayId);
    else {
      const set = new Set(exclude);
      isExcluded = (gatewayId) => set.has(gatewayId);
    }
  }
  return {
    requireTags: requireTags !== undefined && requireTags.length > 0 ? requireTags : undefined,
    isExcluded,
    preferZone,
    suspects: pool.suspects !== undefined && pool.suspects.size > 0 ? pool.suspects : undefined,
    now: context.now,
    ttlMs: context.ttlMs,
  };
}

export function hasEveryTag(member: RoutingMember, requireTags: readonly string[] | undefined): boolean {
  if (requireTags === undefined) return true;
  for (const tag of requireTags) if (!member.tags.includes(tag)) return false;
  return true;
}

export function isSuspect(member: RoutingMember, filter: MemberFilter): boolean {
  const until = filter.suspects?.get(member.gatewayId)?.until;
  return until !== undefined && filter.now < until;
}

const suspectEnd = (member: RoutingMember, filter: MemberFilter): number =>
  filter.suspects?.get(member.gatewayId)?.until ?? Number.POSITIVE_INFINITY;

export function rank(member: RoutingMember, filter: MemberFilter): number {
  let value = 0;
  if (member.draining) value += DRAINING;
  if (filter.suspects !== undefined && isSuspect(member, filter)) value += SUSPECT;
  if (filter.preferZone !== undefined && member.zone !== filter.preferZone) value += OUT_OF_ZONE;
  return value;
}

const isUsable = (member: RoutingMember, filter: MemberFilter): boolean =>
  isHealthy(member.liveness, filter.now, filter.ttlMs) && !filter.isExcluded(member.gatewayId);

/** Passes every stage without falling back: if any member does, the pick is made among exactly those. */
export const isIdeal = (member: RoutingMember, filter: MemberFilter): boolean =>
  isUsable(member, filter) && hasEveryTag(member, filter.requireTags) && rank(member, filter) === 0;

/** The outcome of running every stage over the whole pool: the members left, and what was filtered out. */
export interface PoolScan {
  /** Indexes in the pool's member list of the members left after every stage, in pool order. */
  readonly group: readonly number[];
  readonly rank: number;
  readonly matched: number;
  readonly excluded: number;
  readonly draining: number;
  /**
   * Until when the scan holds by time alone: the earliest moment a usable member's heartbeat runs out or its
   * ejection ends (Infinity when none will). Only new facts (a heartbeat, a report, a drain) change it sooner.
   */
  readonly stableUntil: number;
}

/** O(n): tags → health → exclude, then keeps the members of the lowest rank (drain → suspect → zone). */
export function scanPool(pool: RoutingPool, filter: MemberFilter): PoolScan {
  const group: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  let matched = 0;
  let excluded = 0;
  let draining = 0;
  let stableUntil = Number.POSITIVE_INFINITY;
  const { members } = pool;
  for (let index = 0; index < members.length; index += 1) {
    const member = members[index] as RoutingMember;
    if (!hasEveryTag(member, filter.requireTags)) continue;
    matched += 1;
    if (member.draining) draining += 1;
    if (filter.isExcluded(member.gatewayId)) {
      excluded += 1;
      continue;
    }
    const { liveness } = member;
    if (liveness === undefined || !isHealthy(liveness, filter.now, filter.ttlMs)) continue;
    stableUntil = Math.min(stableUntil, liveness.at + filter.ttlMs);
    const memberRank = rank(member, filter);
    if ((memberRank & SUSPECT) !== 0) stableUntil = Math.min(stableUntil, suspectEnd(member, filter));
    if (memberRank > best) continue;
    if (memberRank < best) {
      best = memberRank;
      group.length = 0;
    }
    group.push(index);
  }
  return { group, rank: best, matched, excluded, draining, stableUntil };
}
