import { activeViews, generationNamespace, isViewsPointer, nextGeneration } from './generations.js';

describe('generations of views', () => {
  it('names generation 0 after the base namespace and later ones base_rN', () => {
    expect(generationNamespace('gwpool', 0)).toBe('gwpool');
    expect(generationNamespace('gwpool', 1)).toBe('gwpool_r1');
    expect(generationNamespace('gwpool', 12)).toBe('gwpool_r12');
    expect(() => generationNamespace('gwpool', -1)).toThrow(RangeError);
    expect(() => generationNamespace('gwpool', 1.5)).toThrow(RangeError);
  });

  it('takes the base namespace as active until a pointer names another', () => {
    expect(activeViews('gwpool', null)).toEqual({ namespace: 'gwpool', generation: 0 });
    expect(activeViews('gwpool', { namespace: 'gwpool_r3', generation: 3 })).toEqual({
      namespace: 'gwpool_r3',
      generation: 3,
    });
  });

  it('rebuilds into the generation after the active one, never into the active one', () => {
    expect(nextGeneration('gwpool', null)).toEqual({ namespace: 'gwpool_r1', generation: 1 });
    expect(nextGeneration('gwpool', { namespace: 'gwpool_r1', generation: 1 })).toEqual({
      namespace: 'gwpool_r2',
      generation: 2,
    });
  });

  it('refuses a next generation whose name would be too long for a namespace', () => {
    expect(() => nextGeneration('a'.repeat(60), null)).not.toThrow();
    expect(() => nextGeneration('a'.repeat(61), null)).toThrow(RangeError);
  });

  it('accepts only pointers that name a valid namespace and a whole generation', () => {
    expect(isViewsPointer({ namespace: 'gwpool_r1', generation: 1 })).toBe(true);
    for (const bad of [
      null,
      'gwpool_r1',
      { namespace: 'Bad-Name', generation: 1 },
      { namespace: 'gwpool_r1', generation: -1 },
      { namespace: 'gwpool_r1', generation: '1' },
      { namespace: 'gwpool_r1' },
    ])
      expect(isViewsPointer(bad)).toBe(false);
  });
});
