import { fnv1a32, newRoutingMemory, rendezvousIndex, type RoutingMember, stringHash } from '../index.js';
import { givenPool, member, members, NOW } from './testing/routing-fixtures.js';

const KEYS = Array.from({ length: 10_000 }, (_, i) => `session-${i}`);
const ids = (count: number) => Array.from({ length: count }, (_, i) => member(`gw-${i}`));

const pickFor = (key: string, candidates: readonly RoutingMember[], memory = newRoutingMemory()) =>
  candidates[rendezvousIndex(key, candidates, memory)]?.gatewayId;

function assign(keys: readonly string[], candidates: readonly RoutingMember[]): Map<string, string> {
  const memory = newRoutingMemory();
  return new Map(keys.map((key) => [key, pickFor(key, candidates, memory) as string]));
}

describe('the rendezvous hash', () => {
  it('is the published 32-bit FNV-1a', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('gives the same key the same member whatever the order of the members', () => {
    const members = ids(20);
    const reversed = [...members].reverse();
    const [one, other] = [newRoutingMemory(), newRoutingMemory()];
    const differing = KEYS.filter((key) => pickFor(key, reversed, one) !== pickFor(key, members, other));
    expect(differing).toEqual([]);
  });

  it('moves only the removed member’s keys when a member is removed (10,000 keys)', () => {
    const members = ids(10);
    const before = assign(KEYS, members);
    const after = assign(
      KEYS,
      members.filter(({ gatewayId }) => gatewayId !== 'gw-3'),
    );
    const moved = KEYS.filter((key) => after.get(key) !== before.get(key));
    expect(moved.every((key) => before.get(key) === 'gw-3')).toBe(true);
    expect(moved.length).toBe(KEYS.filter((key) => before.get(key) === 'gw-3').length);
    expect(moved.length).toBeGreaterThan(800);
    expect([...after.values()]).not.toContain('gw-3');
  });

  it('moves only the keys the new member takes when a member is added', () => {
    const members = ids(10);
    const before = assign(KEYS, members);
    const after = assign(KEYS, [...members, member('gw-new')]);
    const moved = KEYS.filter((key) => after.get(key) !== before.get(key));
    expect(moved.every((key) => after.get(key) === 'gw-new')).toBe(true);
    expect(moved.length).toBeGreaterThan(10_000 / 11 - 150);
    expect(moved.length).toBeLessThan(10_000 / 11 + 150);
  });

  it.each([[10], [50]])('spreads 10,000 keys evenly over %i members', (count) => {
    const counts = new Map<string, number>();
    for (const member of assign(KEYS, ids(count)).values()) counts.set(member, (counts.get(member) ?? 0) + 1);
    const expected = KEYS.length / count;
    expect(counts.size).toBe(count);
    // Binomial spread: 4 standard deviations either side.
    const slack = 4 * Math.sqrt(expected);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(expected - slack);
      expect(n).toBeLessThan(expected + slack);
    }
  });

  it('spreads close keys, such as sequential ids, to unrelated hashes', () => {
    const high = new Set(KEYS.slice(0, 256).map((key) => stringHash(key) >>> 24));
    expect(high.size).toBeGreaterThan(140);
  });
});

describe('a pick with a key', () => {
  it('returns the same member for the same key while it stays usable, whatever the strategy', () => {
    const pool = givenPool(members(30), { strategy: 'round-robin' });
    const first = pool.pickId({ key: 'session-42' });
    for (let i = 0; i < 20; i += 1) expect(pool.pickId({ key: 'session-42' })).toBe(first);
  });

  it('moves only the keys of a member that becomes unusable, and brings them back when it returns', () => {
    const pool = givenPool(members(10));
    const before = new Map(KEYS.slice(0, 2_000).map((key) => [key, pool.pickId({ key })]));
    pool.update('g4', { healthy: false });
    const during = new Map([...before.keys()].map((key) => [key, pool.pickId({ key })]));
    const moved = [...before.keys()].filter((key) => during.get(key) !== before.get(key));
    expect(moved.length).toBeGreaterThan(100);
    expect(moved.every((key) => before.get(key) === 'g4')).toBe(true);
    expect([...during.values()]).not.toContain('g4');
    pool.update('g4', {});
    expect(new Map([...before.keys()].map((key) => [key, pool.pickId({ key })]))).toEqual(before);
  });

  it('hashes among the members the earlier stages leave: never an excluded one, and in zone first', () => {
    const pool = givenPool({ a: { zone: 'eu' }, b: { zone: 'eu' }, c: { zone: 'us' }, d: { suspectUntil: NOW + 1 } });
    for (const key of KEYS.slice(0, 300)) {
      expect(['a', 'b']).toContain(pool.pickId({ key, preferZone: 'eu' }));
      expect(pool.pickId({ key, exclude: ['a', 'b'] })).toBe('c');
    }
  });

  it('refuses like any pick when no member is usable', () => {
    expect(givenPool(members(2, { healthy: false })).pick({ key: 'k' })).toMatchObject({ code: 'NO_HEALTHY_GATEWAY' });
  });
});
