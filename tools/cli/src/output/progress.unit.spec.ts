import { Progress, progressLine } from './progress.js';

describe('progress', () => {
  it('shows count, rate and time left once a second has passed', () => {
    expect(progressLine({ label: 'events', done: 0, total: 10_000, elapsedMs: 0 })).toBe('events 0/10,000');
    expect(progressLine({ label: 'events', done: 2_500, total: 10_000, elapsedMs: 2_000 })).toBe(
      'events 2,500/10,000  1,250/s  ETA 6s',
    );
    expect(progressLine({ label: 'events', done: 2_500, elapsedMs: 2_000 })).toBe('events 2,500  1,250/s');
  });

  it('redraws one line in place at most every 100 ms and clears it at the end', () => {
    const written: string[] = [];
    let clock = 0;
    const progress = new Progress({ write: (text: string) => written.push(text) }, 'pools', 3, () => clock);
    progress.advance();
    clock = 50;
    progress.advance();
    clock = 150;
    progress.advance();
    progress.end();
    expect(written).toEqual(['\r\u001b[2Kpools 1/3', '\r\u001b[2Kpools 3/3', '\r\u001b[2K']);
  });

  it('takes a new total as the work grows', () => {
    const written: string[] = [];
    let clock = 0;
    const progress = new Progress({ write: (text: string) => written.push(text) }, 'events', 100, () => clock);
    clock = 2_000;
    progress.update(100, 300);
    expect(written).toEqual(['\r\u001b[2Kevents 100/300  50/s  ETA 4s']);
  });

  it('writes nothing without a terminal', () => {
    const progress = new Progress(undefined, 'pools', 3);
    progress.advance();
    progress.end();
    expect(progress).toBeDefined();
  });
});
