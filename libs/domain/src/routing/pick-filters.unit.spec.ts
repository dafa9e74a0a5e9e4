import { givenPool, NOW } from './testing/routing-fixtures.js';

const LATER = NOW + 30_000;

describe('zones', () => {
  const specs = { eu1: { zone: 'eu' }, eu2: { zone: 'eu' }, us1: { zone: 'us' }, us2: { zone: 'us' } };

  it('picks only in the preferred zone while it has a usable member', () => {
    const counts = givenPool(specs).tally(2_000, { preferZone: 'eu' });
    expect([...counts.keys()].sort()).toEqual(['eu1', 'eu2']);
  });

  it('falls back to the other zones when the preferred zone has no usable member', () => {
    const pool = givenPool({ ...specs, eu1: { zone: 'eu', healthy: false } });
    const counts = pool.tally(2_000, { preferZone: 'eu', exclude: ['eu2'] });
    expect([...counts.keys()].sort()).toEqual(['us1', 'us2']);
    expect(pool.pick({ preferZone: 'eu', exclude: ['eu2'] })).toMatchObject({ zone: 'us', panic: false });
  });

  it('treats an unknown zone as no preference', () => {
    expect(givenPool(specs).tally(2_000, { preferZone: 'ap' }).size).toBe(4);
  });
});

describe('tags', () => {
  const specs = { plain: {}, gpu: { tags: ['gpu'] }, both: { tags: ['pci', 'gpu'] } };

  it('considers only the members with every required tag', () => {
    expect(givenPool(specs).tally(500, { requireTags: ['gpu', 'pci'] })).toEqual(new Map([['both', 500]]));
    expect(
      [
        ...givenPool(specs)
          .tally(2_000, { requireTags: ['gpu'] })
          .keys(),
      ].sort(),
    ).toEqual(['both', 'gpu']);
  });

  it('treats an empty tag list as no filter', () => {
    expect(givenPool(specs).tally(2_000, { requireTags: [] }).size).toBe(3);
  });

  it('refuses with NO_MATCHING_GATEWAY, naming the tags, when no member has them all', () => {
    expect(givenPool(specs).pick({ requireTags: ['gpu', 'fips'] })).toMatchObject({
      ok: false,
      code: 'NO_MATCHING_GATEWAY',
      message: "pool 'edge-eu' has no gateway with every tag of: gpu, fips",
      details: { requireTags: ['gpu', 'fips'], total: 0 },
    });
  });
});

describe('the order of the stages', () => {
  it('filters by tags before health: a healthy member without the tags is no fallback', () => {
    const pool = givenPool({ plain: {}, gpu: { tags: ['gpu'], healthy: false } });
    expect(pool.pick({ requireTags: ['gpu'] })).toMatchObject({
      code: 'NO_HEALTHY_GATEWAY',
      message: "pool 'edge-eu' has no healthy gateway with tags gpu (0/1 healthy)",
    });
  });

  it('never returns an excluded member, even in panic', () => {
    const pool = givenPool({ a: { suspectUntil: LATER }, b: { suspectUntil: LATER } });
    expect(pool.tally(300, { exclude: ['a'] })).toEqual(new Map([['b', 300]]));
    expect(pool.pick({ exclude: ['a', 'b'] })).toMatchObject({ code: 'NO_HEALTHY_GATEWAY' });
  });

  it('applies drain before suspect: a suspect that is not draining beats a draining member, in panic', () => {
    const pool = givenPool({ old: { draining: true }, flaky: { suspectUntil: LATER } });
    expect(pool.pick()).toEqual({ ok: true, gatewayId: 'flaky', panic: true });
  });

  it('applies suspect before zone: a sound member elsewhere beats a suspect in the preferred zone', () => {
    const pool = givenPool({ near: { zone: 'eu', suspectUntil: LATER }, far: { zone: 'us' } });
    expect(pool.pick({ preferZone: 'eu' })).toEqual({ ok: true, gatewayId: 'far', zone: 'us', panic: false });
  });

  it('applies drain before zone: a member elsewhere beats a draining one in the preferred zone', () => {
    const pool = givenPool({ near: { zone: 'eu', draining: true }, far: { zone: 'us' } });
    expect(pool.pick({ preferZone: 'eu' })).toMatchObject({ gatewayId: 'far' });
  });

  it('prefers the zone among the suspects in panic', () => {
    const pool = givenPool({ near: { zone: 'eu', suspectUntil: LATER }, far: { zone: 'us', suspectUntil: LATER } });
    expect(pool.tally(200, { preferZone: 'eu' })).toEqual(new Map([['near', 200]]));
  });
});
