import { DomainError } from '../errors.js';
import type { Liveness, LivenessLookup } from '../health.js';
import { foldCatalog } from '../org-catalog.js';
import { pickHealthy, routeThroughGateway, routeThroughPool } from './pick-healthy.js';

const NOW = 1_000_000;
const TTL = 5_000;

/** Gateways g0..g(n-1); the listed ones are unhealthy (failed check or silent past the TTL), the rest beat just now. */
function fleet(size: number, unhealthy: Record<string, 'failed' | 'silent'> = {}) {
  const members = Array.from({ length: size }, (_, i) => `g${i}`);
  const beats = new Map<string, Liveness>();
  for (const id of members) {
    const state = unhealthy[id];
    if (state === 'failed') beats.set(id, { at: NOW - 10, check: 'failed' });
    else if (state === 'silent') beats.set(id, { at: NOW - TTL, check: 'passed' });
    else beats.set(id, { at: NOW - 10, check: 'passed' });
  }
  const lookup: LivenessLookup = (id) => beats.get(id);
  return { members, lookup };
}

/** A seeded generator, so the distribution checks are repeatable. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function tally(members: string[], lookup: LivenessLookup, draws: number, random: () => number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < draws; i += 1) {
    const picked = pickHealthy(members, lookup, NOW, TTL, random);
    if (picked !== undefined) counts.set(picked, (counts.get(picked) ?? 0) + 1);
  }
  return counts;
}

describe('pickHealthy', () => {
  it('never picks a gateway whose check failed or whose heartbeat is as old as the TTL', () => {
    const { members, lookup } = fleet(6, { g1: 'failed', g4: 'silent' });

    const counts = tally(members, lookup, 3_000, seeded(7));

    expect([...counts.keys()].sort()).toEqual(['g0', 'g2', 'g3', 'g5']);
  });

  it('spreads picks evenly over the healthy members when most are healthy', () => {
    const { members, lookup } = fleet(4, { g2: 'failed' });

    const counts = tally(members, lookup, 30_000, seeded(11));

    for (const id of ['g0', 'g1', 'g3']) expect(counts.get(id)! / 30_000).toBeCloseTo(1 / 3, 1);
  });

  it('spreads picks evenly when only a few of many members are healthy, past the sampling tries', () => {
    const unhealthy = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`g${i}`, 'failed' as const]));
    delete unhealthy['g17'];
    delete unhealthy['g250'];
    delete unhealthy['g499'];
    const { members, lookup } = fleet(500, unhealthy);

    const counts = tally(members, lookup, 9_000, seeded(3));

    expect([...counts.keys()].sort()).toEqual(['g17', 'g250', 'g499']);
    for (const id of counts.keys()) expect(counts.get(id)! / 9_000).toBeCloseTo(1 / 3, 1);
  });

  it('answers undefined when no member is healthy, or the pool is empty', () => {
    const { members, lookup } = fleet(3, { g0: 'failed', g1: 'silent', g2: 'failed' });

    expect(pickHealthy(members, lookup, NOW, TTL, seeded(1))).toBeUndefined();
    expect(pickHealthy([], lookup, NOW, TTL, seeded(1))).toBeUndefined();
  });

  it('treats a member that never sent a heartbeat as unhealthy', () => {
    const { lookup } = fleet(1);

    expect(pickHealthy(['g0', 'never-beat'], lookup, NOW, TTL, seeded(5))).toBe('g0');
    expect(pickHealthy(['never-beat'], lookup, NOW, TTL, seeded(1))).toBeUndefined();
  });
});

describe('the no-healthy-gateway decisions of a route', () => {
  const catalog = foldCatalog('acme', [
    { type: 'GatewayRegistered', data: { gatewayId: 'g0' } },
    { type: 'GatewayRegistered', data: { gatewayId: 'g1' } },
    { type: 'PoolCreated', data: { poolId: 'p-eu', name: 'edge-eu' } },
    { type: 'PoolMemberAdded', data: { poolId: 'p-eu', gatewayId: 'g0' } },
    { type: 'PoolMemberAdded', data: { poolId: 'p-eu', gatewayId: 'g1' } },
  ]);
  const pool = catalog.pools.get('p-eu')!;
  const context = (lookup: LivenessLookup) => ({ liveness: lookup, now: NOW, ttlMs: TTL, random: seeded(9) });

  it('routes through a healthy member of the pool', () => {
    const { lookup } = fleet(2, { g0: 'failed' });

    expect(routeThroughPool(pool, ['g0', 'g1'], context(lookup))).toBe('g1');
  });

  it('refuses a pool none of whose members is healthy, naming it with the counts', () => {
    const { lookup } = fleet(2, { g0: 'failed', g1: 'silent' });

    let thrown: unknown;
    try {
      routeThroughPool(pool, ['g0', 'g1'], context(lookup));
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toEqual(
      new DomainError('NO_HEALTHY_GATEWAY', "pool 'edge-eu' has no healthy gateway (0/2 healthy)"),
    );
    expect((thrown as DomainError).details).toEqual({ poolId: 'p-eu', healthy: 0, total: 2 });
  });

  it('routes a consumer through its gateway while that gateway is registered and healthy', () => {
    const { lookup } = fleet(2);

    expect(routeThroughGateway(catalog, 'ds-1', 'g1', context(lookup))).toBe('g1');
  });

  it('refuses a consumer whose gateway is not healthy, or no longer registered', () => {
    const { lookup } = fleet(2, { g1: 'failed' });

    expect(() => routeThroughGateway(catalog, 'ds-1', 'g1', context(lookup))).toThrow(
      new DomainError('NO_HEALTHY_GATEWAY', "consumer 'ds-1' routes through gateway 'g1', which is not healthy"),
    );
    expect(() =>
      routeThroughGateway(
        catalog,
        'ds-1',
        'gone',
        context(() => ({ at: NOW, check: 'passed' })),
      ),
    ).toThrow("consumer 'ds-1' routes through gateway 'gone', which is no longer registered");
  });
});
