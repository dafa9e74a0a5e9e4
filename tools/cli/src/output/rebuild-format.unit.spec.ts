import type { RebuildProgress } from '@gwpool/contracts/client';
import { plain } from './format.js';
import { isRebuildProgress, rebuildSummary } from './rebuild-format.js';

const done: RebuildProgress = {
  rebuildId: 'b5a1',
  state: 'done',
  namespace: 'gwpool_r2',
  previousNamespace: 'gwpool_r1',
  generation: 2,
  eventsReplayed: 1_000_000,
  eventsTotal: 1_000_000,
  seconds: 41.6,
  eventsPerSecond: 24_038.5,
  etaSeconds: null,
  position: '0000000000000742:0000000000000003',
};

describe('rebuild output', () => {
  it('says where the views are now, what was replayed how fast, and what was left in place', () => {
    expect(rebuildSummary(done, plain)).toEqual([
      'rebuilt the views into gwpool_r2: 1,000,000 events in 42s (24,039 events/s)',
      'readers now use gwpool_r2 (at log position 0000000000000742:0000000000000003)',
      'the previous views are left in gwpool_r1; drop them when you no longer need them',
    ]);
  });

  it('takes only progress messages as the projector publishes them', () => {
    expect(isRebuildProgress(done)).toBe(true);
    expect(isRebuildProgress({ ...done, state: 'dancing' })).toBe(false);
    expect(isRebuildProgress({ ...done, eventsReplayed: '5' })).toBe(false);
    expect(isRebuildProgress(null)).toBe(false);
    expect(isRebuildProgress('done')).toBe(false);
  });
});
