import {
  DEFAULT_HEARTBEAT_TTL_MS,
  healthyUntil,
  isHealthy,
  newerLiveness,
  parseDuration,
  poolStatus,
  type Liveness,
} from './index.js';

describe('health rules', () => {
  it('treats a heartbeat exactly TTL old as expired', () => {
    expect(isHealthy({ at: 0, check: 'passed' }, 1000, 1000)).toBe(false);
    expect(isHealthy({ at: 0, check: 'passed' }, 999, 1000)).toBe(true);
  });
  it('parses durations', () => {
    expect(parseDuration('5s')).toBe(5000);
    expect(poolStatus(0, 0)).toBe('red');
  });
});

const HOUR = 3_600_000;

describe('isHealthy', () => {
  const ttl = 30_000;

  it('counts a heartbeat received just now as healthy', () => {
    expect(isHealthy({ at: 5_000, check: 'passed' }, 5_000, ttl)).toBe(true);
  });

  it('counts a heartbeat one millisecond short of the TTL as healthy', () => {
    expect(isHealthy({ at: 5_000, check: 'passed' }, 5_000 + ttl - 1, ttl)).toBe(true);
  });

  it('counts a heartbeat exactly the TTL old as expired', () => {
    expect(isHealthy({ at: 5_000, check: 'passed' }, 5_000 + ttl, ttl)).toBe(false);
  });

  it('counts a heartbeat older than the TTL as expired', () => {
    expect(isHealthy({ at: 5_000, check: 'passed' }, 5_000 + 10 * ttl, ttl)).toBe(false);
  });

  it('counts a fresh heartbeat whose check failed as unhealthy', () => {
    expect(isHealthy({ at: 5_000, check: 'failed' }, 5_000, ttl)).toBe(false);
    expect(isHealthy({ at: 5_000, check: 'failed' }, 5_001, ttl)).toBe(false);
  });

  it('counts a gateway that never sent a heartbeat as unhealthy', () => {
    expect(isHealthy(undefined, 5_000, ttl)).toBe(false);
  });

  it('keeps a gateway healthy for an hour by default', () => {
    expect(DEFAULT_HEARTBEAT_TTL_MS).toBe(HOUR);
    expect(isHealthy({ at: 0, check: 'passed' }, HOUR - 1, DEFAULT_HEARTBEAT_TTL_MS)).toBe(true);
    expect(isHealthy({ at: 0, check: 'passed' }, HOUR, DEFAULT_HEARTBEAT_TTL_MS)).toBe(false);
  });
});

describe('healthyUntil', () => {
  it('is the time of the heartbeat plus the TTL', () => {
    expect(healthyUntil({ at: 1_700_000_000_000, check: 'passed' }, 30_000)).toBe(1_700_000_030_000);
  });

  it('is the first instant at which the gateway is no longer healthy', () => {
    const liveness = { at: 1_234, check: 'passed' } as const;
    const until = healthyUntil(liveness, 30_000);
    expect(isHealthy(liveness, until - 1, 30_000)).toBe(true);
    expect(isHealthy(liveness, until, 30_000)).toBe(false);
  });
});

describe('newerLiveness', () => {
  const older: Liveness = { at: 1_000, check: 'passed' };
  const newer: Liveness = { at: 2_000, check: 'failed' };

  it('takes the first heartbeat of a gateway', () => {
    expect(newerLiveness(undefined, older)).toBe(older);
  });

  it('takes a newer heartbeat', () => {
    expect(newerLiveness(older, newer)).toBe(newer);
  });

  it('ignores a heartbeat older than the one it has, as when they arrive out of order', () => {
    expect(newerLiveness(newer, older)).toBe(newer);
  });

  it('takes the heartbeat received last when both carry the same time', () => {
    const sameTime: Liveness = { at: 1_000, check: 'failed' };
    expect(newerLiveness(older, sameTime)).toBe(sameTime);
  });
});

describe('poolStatus', () => {
  it.each([
    [3, 3, 'green'],
    [1, 1, 'green'],
    [2, 3, 'yellow'],
    [1, 3, 'yellow'],
    [0, 3, 'red'],
    [0, 1, 'red'],
    [0, 0, 'red'],
  ])('with %i of %i members healthy is %s', (healthy, total, status) => {
    expect(poolStatus(healthy, total)).toBe(status);
  });
});

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['5s', 5_000],
    ['1m', 60_000],
    ['1h', HOUR],
    ['2d', 2 * 24 * HOUR],
    ['1h30m', HOUR + 30 * 60_000],
    ['1m30s', 90_000],
    ['1s500ms', 1_500],
    ['1.5s', 1_500],
    ['0.5h', HOUR / 2],
    [' 5s ', 5_000],
  ])('parses %p as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ...['', '   ', 'abc', '5', 's', 'ms', '5s!', '1w'],
    ...['0s', '0ms', '0h0m', '-5s', '+5s'],
    ...['5S', '1H', '1h30M', '5sec', '5 s', '1h 30m'],
    ...['1e3ms', '.5s', '5.s', '1h5.s'],
    ...['5s5s', '30m1h', '0.0001ms', `${'9'.repeat(400)}s`],
  ])('rejects %p', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
