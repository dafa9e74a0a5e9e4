// Test helpers for the routing specs only; not exported from the domain.
import {
  type LoadReport,
  newRoutingMemory,
  type PickOutcome,
  type PickRequest,
  pickRoute,
  type RoutingMember,
  type RoutingMemory,
  type RoutingPool,
  type RoutingStrategy,
} from '../index.js';

export const NOW = 1_700_000_000_000;
export const LOAD_FRESH_MS = 20_000;

/** mulberry32: a small seeded generator with good statistics, so distribution checks are repeatable. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export interface MemberSpec {
  zone?: string;
  tags?: string[];
  draining?: boolean;
  healthy?: boolean;
  load?: LoadReport;
  suspectUntil?: number;
}

/** A load report received `ageMs` before NOW. */
export const load = (activeConnections: number, capacity?: number, ageMs = 1_000): LoadReport =>
  capacity === undefined ? { activeConnections, at: NOW - ageMs } : { activeConnections, capacity, at: NOW - ageMs };

export const TTL_MS = 60_000;

/** A member as an edge would build it: healthy means a passed heartbeat a second ago, unhealthy a failed one. */
export function member(gatewayId: string, spec: MemberSpec = {}): RoutingMember {
  const liveness = { at: NOW - 1_000, check: spec.healthy === false ? 'failed' : 'passed' } as const;
  return {
    gatewayId,
    ...(spec.zone === undefined ? {} : { zone: spec.zone }),
    tags: spec.tags ?? [],
    draining: spec.draining ?? false,
    liveness,
    ...(spec.load === undefined ? {} : { load: spec.load }),
  };
}

/** Given a pool whose members are described by `specs` (healthy unless said otherwise), picks as a service would. */
export function givenPool(
  specs: Record<string, MemberSpec>,
  options: { strategy?: RoutingStrategy; seed?: number; name?: string } = {},
) {
  let members = Object.entries(specs).map(([gatewayId, spec]) => member(gatewayId, spec));
  const suspects = new Map<string, { until: number }>();
  const setSuspect = (gatewayId: string, spec: MemberSpec) => {
    if (spec.suspectUntil === undefined) suspects.delete(gatewayId);
    else suspects.set(gatewayId, { until: spec.suspectUntil });
  };
  for (const [gatewayId, spec] of Object.entries(specs)) setSuspect(gatewayId, spec);
  const memory: RoutingMemory = newRoutingMemory();
  const random = seeded(options.seed ?? 1);
  const pool = (): RoutingPool => ({
    poolId: 'pool-1',
    name: options.name ?? 'edge-eu',
    members,
    suspects,
    ...(options.strategy === undefined ? {} : { strategy: options.strategy }),
  });
  return {
    memory,
    /** Replaces one member's facts, as a heartbeat, drain or report would; the member list is another array. */
    update(gatewayId: string, spec: MemberSpec) {
      members = members.map((old) => (old.gatewayId === gatewayId ? member(gatewayId, spec) : old));
      setSuspect(gatewayId, spec);
    },
    remove(gatewayId: string) {
      members = members.filter((old) => old.gatewayId !== gatewayId);
    },
    pick(request: PickRequest = {}, now = NOW): PickOutcome {
      return pickRoute(pool(), request, { now, ttlMs: TTL_MS, random, memory, loadFreshMs: LOAD_FRESH_MS });
    },
    /** The gateway a pick returned; fails the test on a refusal. */
    pickId(request: PickRequest = {}, now = NOW): string {
      const outcome = this.pick(request, now);
      if (!outcome.ok) throw new Error(`refused: ${outcome.message}`);
      return outcome.gatewayId;
    },
    tally(draws: number, request: PickRequest = {}): Map<string, number> {
      const counts = new Map<string, number>();
      for (let i = 0; i < draws; i += 1) {
        const id = this.pickId(request);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    },
  };
}

/** `count` healthy members named g0, g1, …, each with the same spec. */
export function members(count: number, spec: MemberSpec = {}, prefix = 'g'): Record<string, MemberSpec> {
  const specs: Record<string, MemberSpec> = {};
  for (let i = 0; i < count; i += 1) specs[`${prefix}${i}`] = { ...spec };
  return specs;
}
