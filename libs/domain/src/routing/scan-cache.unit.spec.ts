import type { Liveness } from '../health.js';
import {
  newRoutingMemory,
  type PickContext,
  type PickOutcome,
  type PickRequest,
  pickRoute,
  type RoutingMember,
  type RoutingPool,
} from '../index.js';
import { LOAD_FRESH_MS, NOW, seeded, TTL_MS } from './testing/routing-fixtures.js';

/** A member an edge updates in place, as routing-query does: the pool's member list stays the same array. */
interface MutableMember {
  gatewayId: string;
  zone?: string;
  tags: string[];
  draining: boolean;
  liveness?: Liveness;
}

/** A pool whose picks pass `stateVersion`, so they may reuse a cached scan; `version` is what the edge would move. */
function cachedPool(count: number, seed = 1) {
  const members: MutableMember[] = Array.from({ length: count }, (_, i) => ({
    gatewayId: `g${i}`,
    zone: `z${i % 3}`,
    tags: i % 2 === 0 ? ['pci'] : [],
    draining: false,
    liveness: { at: NOW - 1_000, check: 'passed' },
  }));
  const suspects = new Map<string, { until: number }>();
  const state = { version: 0, members: members as readonly RoutingMember[] };
  const memory = newRoutingMemory();
  const random = seeded(seed);
  const pool = (): RoutingPool => ({ poolId: 'p', name: 'edge-eu', members: state.members, suspects });
  const context = (now: number): PickContext => ({
    now,
    ttlMs: TTL_MS,
    random,
    memory,
    loadFreshMs: LOAD_FRESH_MS,
    stateVersion: state.version,
  });
  return {
    members,
    suspects,
    state,
    pick: (request: PickRequest, now = NOW): PickOutcome => pickRoute(pool(), request, context(now)),
    /** The same pick with a fresh memory and no version: every fact read afresh. */
    uncached: (request: PickRequest, now = NOW): PickOutcome =>
      pickRoute(pool(), request, {
        now,
        ttlMs: TTL_MS,
        random,
        memory: newRoutingMemory(),
        loadFreshMs: LOAD_FRESH_MS,
      }),
  };
}

const idOf = (outcome: PickOutcome): string | undefined => (outcome.ok ? outcome.gatewayId : undefined);
const byId = (members: readonly MutableMember[], id: string | undefined): MutableMember => {
  const found = members.find((m) => m.gatewayId === id);
  if (found === undefined) throw new Error(`no member ${String(id)}`);
  return found;
};

describe('the scan a keyed or filtered pick reuses', () => {
  it('never returns a member whose heartbeat ran out after the scan, though no fact changed', () => {
    const pool = cachedPool(50);
    const pinned = idOf(pool.pick({ key: 'session-1' }));
    // The pinned member's last heartbeat is older than the others': it alone runs out by the later pick.
    byId(pool.members, pinned).liveness = { at: NOW - TTL_MS + 5_000, check: 'passed' };
    pool.state.version += 1;
    expect(idOf(pool.pick({ key: 'session-1' }))).toBe(pinned);

    const later = NOW + 5_000;
    const again = idOf(pool.pick({ key: 'session-1' }, later));
    expect(again).toBeDefined();
    expect(again).not.toBe(pinned);
  });

  it('never returns an expired member to a requireTags pick that falls back to the scan', () => {
    const pool = cachedPool(40);
    for (const member of pool.members) {
      // Few tagged members, so sampling misses and the scan decides; all but g0 run out at NOW + 1 s.
      member.tags = member.gatewayId === 'g0' || member.gatewayId === 'g1' ? ['rare'] : [];
      if (member.gatewayId !== 'g0') member.liveness = { at: NOW - TTL_MS + 1_000, check: 'passed' };
    }
    pool.state.version += 1;
    for (let i = 0; i < 50; i += 1) expect(pool.pick({ requireTags: ['rare'] }).ok).toBe(true);
    for (let i = 0; i < 200; i += 1) expect(idOf(pool.pick({ requireTags: ['rare'] }, NOW + 2_000))).toBe('g0');
  });

  it('sees a member that failed, once the edge moves the state version', () => {
    const pool = cachedPool(50);
    const pinned = idOf(pool.pick({ key: 'session-2' }));
    byId(pool.members, pinned).liveness = { at: NOW, check: 'failed' };
    pool.state.version += 1;
    expect(idOf(pool.pick({ key: 'session-2' }))).not.toBe(pinned);
  });

  it('sees a member that came back, once the edge moves the state version', () => {
    const pool = cachedPool(3);
    for (const member of pool.members) member.liveness = { at: NOW, check: 'failed' };
    pool.state.version += 1;
    expect(pool.pick({ key: 'k' })).toMatchObject({ ok: false, code: 'NO_HEALTHY_GATEWAY' });
    (pool.members[1] as MutableMember).liveness = { at: NOW, check: 'passed' };
    pool.state.version += 1;
    expect(idOf(pool.pick({ key: 'k' }))).toBe('g1');
  });

  it('sees a membership change: a removed member is no longer picked', () => {
    const pool = cachedPool(50);
    const pinned = idOf(pool.pick({ key: 'session-3' }));
    pool.state.members = pool.state.members.filter((m) => m.gatewayId !== pinned);
    expect(idOf(pool.pick({ key: 'session-3' }))).not.toBe(pinned);
  });

  it('sees a drain as a new member list', () => {
    const pool = cachedPool(50);
    const pinned = idOf(pool.pick({ key: 'session-4' }));
    pool.state.members = pool.members.map((m) => (m.gatewayId === pinned ? { ...m, draining: true } : { ...m }));
    expect(idOf(pool.pick({ key: 'session-4' }))).not.toBe(pinned);
  });

  it('sees a new suspect once the edge moves the state version, and uses it again when its time runs out', () => {
    const pool = cachedPool(50);
    const pinned = idOf(pool.pick({ key: 'session-5' })) as string;
    pool.suspects.set(pinned, { until: NOW + 10_000 });
    pool.state.version += 1;
    expect(idOf(pool.pick({ key: 'session-5' }))).not.toBe(pinned);
    expect(idOf(pool.pick({ key: 'session-5' }, NOW + 10_000))).toBe(pinned);
  });

  it('scans again when the clock goes back', () => {
    const pool = cachedPool(3);
    (pool.members[0] as MutableMember).liveness = { at: NOW - TTL_MS - 1, check: 'passed' };
    (pool.members[1] as MutableMember).liveness = { at: NOW - TTL_MS - 1, check: 'passed' };
    (pool.members[2] as MutableMember).liveness = { at: NOW - TTL_MS - 1, check: 'passed' };
    pool.state.version += 1;
    expect(pool.pick({ key: 'k' }).ok).toBe(false);
    expect(pool.pick({ key: 'k' }, NOW - 10).ok).toBe(true);
  });

  it('gives what a pick reading every fact afresh gives, through changes, time and many request shapes', () => {
    const shape = seeded(42);
    const pool = cachedPool(30, 7);
    const requests: PickRequest[] = [
      { key: 'a' },
      { key: 'b', preferZone: 'z1' },
      { requireTags: ['pci'] },
      { requireTags: ['pci'], key: 'c' },
      { preferZone: 'z2', key: 'd' },
      { exclude: ['g1', 'g2'], key: 'e' },
      ...Array.from({ length: 20 }, (_, i) => ({ key: 'f', preferZone: `z${i}` })),
    ];
    let now = NOW;
    for (let step = 0; step < 3_000; step += 1) {
      now += Math.floor(shape() * 2_000);
      const roll = shape();
      const member = pool.members[Math.floor(shape() * pool.members.length)] as MutableMember;
      if (roll < 0.1) {
        member.liveness = { at: now - Math.floor(shape() * TTL_MS), check: shape() < 0.3 ? 'failed' : 'passed' };
        pool.state.version += 1;
      } else if (roll < 0.15) {
        pool.suspects.set(member.gatewayId, { until: now + Math.floor(shape() * 20_000) });
        pool.state.version += 1;
      } else if (roll < 0.17) {
        member.draining = !member.draining;
        pool.state.version += 1;
      } else if (roll < 0.19) {
        pool.state.members = [...pool.state.members];
      }
      const request = requests[Math.floor(shape() * requests.length)] as PickRequest;
      // Keyed picks draw nothing at random, so the two are comparable pick for pick.
      if (request.key !== undefined) expect(pool.pick(request, now)).toEqual(pool.uncached(request, now));
    }
  });
});
