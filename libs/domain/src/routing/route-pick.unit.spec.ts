import { newRoutingMemory, pickRoute } from '../index.js';
import { givenPool, LOAD_FRESH_MS, member, members, NOW, seeded, TTL_MS } from './testing/routing-fixtures.js';

const LATER = NOW + 30_000;

/** The random pick routing started with: up to 8 draws, then a uniform choice among the healthy members. */
function originalPick(ids: readonly string[], healthy: (id: string) => boolean, random: () => number) {
  if (ids.length === 0) return undefined;
  for (let i = 0; i < 8; i += 1) {
    const id = ids[Math.floor(random() * ids.length)] as string;
    if (healthy(id)) return id;
  }
  const usable = ids.filter(healthy);
  return usable.length === 0 ? undefined : usable[Math.floor(random() * usable.length)];
}

describe('pickRoute in a pool that sets nothing', () => {
  it('picks uniformly among the healthy members and never an unhealthy one', () => {
    const pool = givenPool({ ...members(3), down: { healthy: false } });
    const counts = pool.tally(30_000);
    expect(counts.get('down')).toBeUndefined();
    for (const id of ['g0', 'g1', 'g2']) expect(counts.get(id)).toBeGreaterThan(9_500);
  });

  it('makes the same choice as the original random pick for the same random draws', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const shape = seeded(seed);
      const ids = Array.from({ length: 1 + Math.floor(shape() * 40) }, (_, i) => `g${i}`);
      const healthyShare = shape();
      const healthy = new Set(ids.filter(() => shape() < healthyShare));
      const pool = { poolId: 'p', name: 'edge-eu', members: ids.map((id) => member(id, { healthy: healthy.has(id) })) };
      const random = seeded(seed * 7);
      const context = { now: NOW, ttlMs: TTL_MS, random, memory: newRoutingMemory(), loadFreshMs: LOAD_FRESH_MS };
      const outcome = pickRoute(pool, {}, context);
      const expected = originalPick(ids, (id) => healthy.has(id), seeded(seed * 7));
      expect(outcome.ok ? outcome.gatewayId : undefined).toBe(expected);
    }
  });

  it('finds the one healthy member of a 500-member pool', () => {
    const pool = givenPool({ ...members(499, { healthy: false }), last: {} });
    expect(pool.pick()).toEqual({ ok: true, gatewayId: 'last', panic: false });
  });

  it("replies with the chosen member's zone", () => {
    expect(givenPool({ a: { zone: 'eu-west-1a' } }).pick()).toEqual({
      ok: true,
      gatewayId: 'a',
      zone: 'eu-west-1a',
      panic: false,
    });
  });

  it('refuses a pool without a healthy member with the same message as before', () => {
    expect(givenPool(members(3, { healthy: false })).pick()).toEqual({
      ok: false,
      code: 'NO_HEALTHY_GATEWAY',
      message: "pool 'edge-eu' has no healthy gateway (0/3 healthy)",
      details: { poolId: 'pool-1', healthy: 0, total: 3, excluded: 0, draining: 0 },
    });
    expect(givenPool({}).pick()).toMatchObject({ message: "pool 'edge-eu' has no healthy gateway (0/0 healthy)" });
  });
});

describe('exclude', () => {
  it('never returns an excluded member', () => {
    const counts = givenPool(members(3)).tally(3_000, { exclude: ['g1'] });
    expect(counts.get('g1')).toBeUndefined();
    expect(counts.size).toBe(2);
  });

  it('refuses when the exclusion leaves nothing, counting what was excluded', () => {
    const pool = givenPool({ a: {}, b: {}, c: { healthy: false } });
    expect(pool.pick({ exclude: ['a', 'b'] })).toMatchObject({
      code: 'NO_HEALTHY_GATEWAY',
      message: "pool 'edge-eu' has no healthy gateway (0/3 healthy, 2 excluded)",
      details: { excluded: 2, total: 3 },
    });
  });

  it('holds for a long exclusion list too', () => {
    const pool = givenPool(members(20));
    const exclude = Array.from({ length: 19 }, (_, i) => `g${i}`);
    expect(pool.tally(200, { exclude })).toEqual(new Map([['g19', 200]]));
  });
});

describe('drain', () => {
  it('gives a draining member no picks while a non-draining usable member remains', () => {
    const pool = givenPool({ ...members(2), old: { draining: true } });
    expect(pool.tally(2_000).get('old')).toBeUndefined();
  });

  it('routes to draining members when nothing else is usable', () => {
    const pool = givenPool({ old: { draining: true }, down: { healthy: false }, gone: {} });
    expect(pool.tally(300, { exclude: ['gone'] })).toEqual(new Map([['old', 300]]));
    expect(pool.pick({ exclude: ['gone'] })).toMatchObject({ panic: false });
  });

  it('counts draining members in a refusal', () => {
    const pool = givenPool({ old: { draining: true, healthy: false }, down: { healthy: false } });
    expect(pool.pick()).toMatchObject({
      message: "pool 'edge-eu' has no healthy gateway (0/2 healthy, 1 draining)",
    });
  });
});

describe('suspects and panic', () => {
  it('skips suspects while another usable member remains', () => {
    const pool = givenPool({ ...members(2), flaky: { suspectUntil: LATER } });
    const counts = pool.tally(2_000);
    expect(counts.get('flaky')).toBeUndefined();
    expect(pool.pick()).toMatchObject({ panic: false });
  });

  it('routes among the suspects when every usable member is suspect, and says so', () => {
    const pool = givenPool({ a: { suspectUntil: LATER }, b: { suspectUntil: LATER }, down: { healthy: false } });
    const counts = pool.tally(2_000);
    expect([...counts.keys()].sort()).toEqual(['a', 'b']);
    expect(pool.pick()).toMatchObject({ ok: true, panic: true });
  });

  it('uses a member again once its suspect time has run out', () => {
    const pool = givenPool({ a: { suspectUntil: NOW }, b: { suspectUntil: LATER } });
    expect(pool.tally(200)).toEqual(new Map([['a', 200]]));
  });

  it('never refuses because of suspects alone', () => {
    expect(givenPool({ a: { suspectUntil: LATER } }).pick()).toEqual({ ok: true, gatewayId: 'a', panic: true });
  });
});
