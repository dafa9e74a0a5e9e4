import { givenPool, load, LOAD_FRESH_MS, members, NOW } from './testing/routing-fixtures.js';

describe('round-robin', () => {
  it('cycles over the members in order, each exactly once per round', () => {
    const pool = givenPool(members(4), { strategy: 'round-robin' });
    const picks = Array.from({ length: 12 }, () => pool.pickId());
    expect(picks).toEqual(['g0', 'g1', 'g2', 'g3', 'g0', 'g1', 'g2', 'g3', 'g0', 'g1', 'g2', 'g3']);
  });

  it('cycles exactly over the usable members, skipping the unhealthy, draining and suspect ones', () => {
    const pool = givenPool(
      { ...members(6), g1: { healthy: false }, g3: { draining: true }, g4: { suspectUntil: NOW + 1 } },
      { strategy: 'round-robin' },
    );
    const picks = Array.from({ length: 9 }, () => pool.pickId());
    expect(picks).toEqual(['g0', 'g2', 'g5', 'g0', 'g2', 'g5', 'g0', 'g2', 'g5']);
  });

  it('stays exact when the usable members are too sparse to find by stepping, over a 500-member pool', () => {
    const specs = members(500, { healthy: false });
    for (const id of ['g7', 'g200', 'g499']) specs[id] = {};
    const pool = givenPool(specs, { strategy: 'round-robin' });
    const picks = Array.from({ length: 7 }, () => pool.pickId());
    expect(picks).toEqual(['g7', 'g200', 'g499', 'g7', 'g200', 'g499', 'g7']);
  });

  it('cycles over the fallback members in panic', () => {
    const pool = givenPool(members(3, { suspectUntil: NOW + 1 }), { strategy: 'round-robin' });
    expect(Array.from({ length: 6 }, () => pool.pickId())).toEqual(['g0', 'g1', 'g2', 'g0', 'g1', 'g2']);
  });

  it('gives every usable member the same number of picks over whole rounds', () => {
    const pool = givenPool({ ...members(7), g2: { healthy: false } }, { strategy: 'round-robin' });
    const counts = pool.tally(600);
    expect(counts.get('g2')).toBeUndefined();
    for (const [, count] of counts) expect(count).toBe(100);
  });
});

describe('least-loaded', () => {
  it('sends at most 10 % of picks to a member reporting 10 times the load of the others', () => {
    const pool = givenPool(
      { ...members(9, { load: load(10, 100) }), busy: { load: load(100, 100) } },
      {
        strategy: 'least-loaded',
      },
    );
    let busy = 0;
    for (let round = 0; round < 100; round += 1) {
      // A heartbeat every 10 picks per member, reporting the same loads: the pick counts start again each time.
      for (const id of ['busy', ...Array.from({ length: 9 }, (_, i) => `g${i}`)]) {
        pool.update(id, { load: { ...load(id === 'busy' ? 100 : 10, 100), at: NOW - 1_000 + round } });
      }
      for (let i = 0; i < 100; i += 1) if (pool.pickId({}, NOW + round) === 'busy') busy += 1;
    }
    expect(busy / 10_000).toBeLessThanOrEqual(0.1);
    // Far below the 10 % a random pick would give it.
    expect(busy / 10_000).toBeLessThan(0.01);
  });

  it('compares load per capacity', () => {
    // 40/100 is lighter than 10/20.
    const pool = givenPool(
      { big: { load: load(40, 100) }, small: { load: load(10, 20) } },
      { strategy: 'least-loaded' },
    );
    expect(pool.pickId()).toBe('big');
  });

  it('counts the picks made since the last report, so callers do not stampede the idle member', () => {
    const pool = givenPool(
      { idle: { load: load(0, 10) }, a: { load: load(5, 10) }, b: { load: load(5, 10) } },
      { strategy: 'least-loaded' },
    );
    const counts = pool.tally(300);
    // Without the count, `idle` wins every pair it is in: about two thirds of the picks.
    expect(counts.get('idle')).toBeLessThan(0.4 * 300);
    expect(counts.get('a')).toBeGreaterThan(0.25 * 300);
  });

  it('starts counting again when a newer report arrives', () => {
    const pool = givenPool({ idle: { load: load(0, 10) }, busy: { load: load(5, 10) } }, { strategy: 'least-loaded' });
    // 0…4 connections plus picks stay under busy's 5.
    expect(pool.tally(5)).toEqual(new Map([['idle', 5]]));
    pool.update('idle', { load: { activeConnections: 0, capacity: 10, at: NOW } });
    expect(pool.pickId()).toBe('idle');
    expect(pool.memory.picksSinceReport.get('idle')).toEqual({ at: NOW, picks: 1 });
  });

  it('picks at random when a candidate has no report, or one as old as loadFreshMs', () => {
    for (const quiet of [{}, { load: load(0, 10, LOAD_FRESH_MS) }]) {
      const pool = givenPool({ quiet, busy: { load: load(1_000, 10) } }, { strategy: 'least-loaded' });
      const counts = pool.tally(2_000);
      expect(counts.get('busy')).toBeGreaterThan(900);
      expect(counts.get('quiet')).toBeGreaterThan(900);
    }
  });

  it('trusts a report one millisecond younger than loadFreshMs', () => {
    const pool = givenPool(
      { light: { load: load(0, 10, LOAD_FRESH_MS - 1) }, busy: { load: load(1_000, 10) } },
      { strategy: 'least-loaded' },
    );
    expect(pool.tally(100)).toEqual(new Map([['light', 100]]));
  });

  it('compares raw connection counts when a capacity is missing', () => {
    const pool = givenPool({ few: { load: load(3) }, many: { load: load(5, 1_000) } }, { strategy: 'least-loaded' });
    expect(pool.pickId()).toBe('few');
  });

  it('returns the only usable member without comparing', () => {
    const pool = givenPool({ only: { load: load(1_000, 10) }, down: { healthy: false } }, { strategy: 'least-loaded' });
    expect(pool.tally(50)).toEqual(new Map([['only', 50]]));
  });

  it('chooses the lighter member among the usable ones of a sparse 500-member pool', () => {
    const specs = members(500, { healthy: false });
    specs['heavy'] = { load: load(90, 100) };
    specs['light'] = { load: load(10, 100) };
    const pool = givenPool(specs, { strategy: 'least-loaded' });
    expect(pool.pickId()).toBe('light');
  });
});
