import { LruMap } from './lru-map.js';

describe('the least-recently-used map', () => {
  it('drops the least recently written entry past its capacity', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);

    expect([map.has('a'), map.has('b'), map.has('c'), map.size]).toEqual([false, true, true, 2]);
  });

  it('counts a read as a use, so the entry read last stays', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);

    map.set('c', 3);

    expect([map.has('a'), map.has('b'), map.has('c')]).toEqual([true, false, true]);
  });

  it('counts writing a held key again as a use, without growing', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 10);
    map.set('c', 3);

    expect([map.get('a'), map.has('b'), map.size]).toEqual([10, false, 2]);
  });

  it('refuses a capacity under one', () => {
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});
