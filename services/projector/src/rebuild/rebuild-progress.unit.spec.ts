import { hasCaughtUp, progressReport } from './rebuild-progress.js';

const compare = (a: string, b: string) => Number(a) - Number(b);
const input = { rebuildId: 'r', namespace: 'gwpool_r1', previousNamespace: 'gwpool', generation: 1 };

describe('rebuild progress', () => {
  it('has caught up once the new views are stored at or after what the live projection applied', () => {
    expect(hasCaughtUp(compare, null, '5')).toBe(false);
    expect(hasCaughtUp(compare, '4', '5')).toBe(false);
    expect(hasCaughtUp(compare, '5', '5')).toBe(true);
    expect(hasCaughtUp(compare, '6', '5')).toBe(true);
  });

  it('has caught up at once over a log with no event', () => {
    expect(hasCaughtUp(compare, null, null)).toBe(true);
  });

  it('reports the rate over the whole run and the time left at that rate while replaying', () => {
    expect(progressReport({ ...input, state: 'replaying', replayed: 3000, remaining: 6000, elapsedMs: 1500 })).toEqual({
      ...input,
      state: 'replaying',
      eventsReplayed: 3000,
      eventsTotal: 9000,
      seconds: 1.5,
      eventsPerSecond: 2000,
      etaSeconds: 3,
    });
  });

  it('gives no ETA before a second has passed, while swapping, or when nothing was replayed yet', () => {
    expect(
      progressReport({ ...input, state: 'replaying', replayed: 10, remaining: 5, elapsedMs: 500 }).etaSeconds,
    ).toBe(null);
    expect(
      progressReport({ ...input, state: 'swapping', replayed: 10, remaining: 0, elapsedMs: 5000 }).etaSeconds,
    ).toBe(null);
    const none = progressReport({ ...input, state: 'replaying', replayed: 0, remaining: 5, elapsedMs: 5000 });
    expect(none).toMatchObject({ eventsPerSecond: 0, etaSeconds: null, eventsTotal: 5 });
  });

  it('never reports a negative count left, nor a rate at time zero', () => {
    const report = progressReport({ ...input, state: 'replaying', replayed: 10, remaining: -3, elapsedMs: 0 });
    expect(report).toMatchObject({ eventsTotal: 10, eventsPerSecond: 0, seconds: 0, etaSeconds: null });
  });
});
