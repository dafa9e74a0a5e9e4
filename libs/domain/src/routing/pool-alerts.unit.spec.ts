import {
  type AlertState,
  initialAlertState,
  newPoolAlertState,
  nextAlertAt,
  observePoolHealth,
  type PoolAlert,
  poolStatus,
  tickPoolAlerts,
} from '../index.js';

const COOLDOWN = 60_000;
const TOTAL = 3;

/** Feeds sweeps (healthy counts at times) and ticks, collecting the alerts; starts from a pool known green. */
function given(start: AlertState = initialAlertState('green')) {
  let state = start;
  const sent: PoolAlert[] = [];
  const driver = {
    sweep(now: number, healthy: number, total = TOTAL) {
      const step = observePoolHealth(state, { status: poolStatus(healthy, total), healthy, total, now }, COOLDOWN);
      state = step.state;
      if (step.alert) sent.push(step.alert);
      return driver;
    },
    tick(now: number) {
      const step = tickPoolAlerts(state, now, COOLDOWN);
      state = step.state;
      if (step.alert) sent.push(step.alert);
      return driver;
    },
    get kinds() {
      return sent.map((alert) => `${alert.kind}@${alert.at}`);
    },
    get sent() {
      return sent;
    },
    get next() {
      return nextAlertAt(state, COOLDOWN);
    },
  };
  return driver;
}

describe('pool health alerts', () => {
  it('sends one alert per transition, not one per sweep', () => {
    const pool = given().sweep(0, 3).sweep(1_000, 3).sweep(2_000, 0).sweep(3_000, 0).sweep(4_000, 0);
    expect(pool.sent).toEqual([{ kind: 'down', status: 'red', healthy: 0, total: 3, at: 2_000 }]);
  });

  it('announces red as down, yellow as degraded, and green again as recovered', () => {
    const pool = given().sweep(0, 2).sweep(100_000, 0).sweep(200_000, 1).sweep(300_000, 3);
    expect(pool.kinds).toEqual(['degraded@0', 'down@100000', 'degraded@200000', 'recovered@300000']);
  });

  it('stays quiet while a yellow pool only changes its count', () => {
    expect(given().sweep(0, 2).sweep(1_000, 1).sweep(2_000, 2).kinds).toEqual(['degraded@0']);
  });

  it('sends exactly one down and one recovered for a pool that flaps many times within the cooldown', () => {
    const pool = given();
    for (let t = 0; t < 50_000; t += 5_000) pool.sweep(t, 0).sweep(t + 2_500, 3);
    pool.tick(60_000).tick(120_000).sweep(130_000, 3).tick(200_000);
    expect(pool.kinds).toEqual(['down@0', 'recovered@2500']);
  });

  it('defers a recovered whose cooldown is running to the end of it, and sends it if still green', () => {
    const pool = given().sweep(0, 0).sweep(1_000, 3).sweep(60_000, 0).sweep(60_500, 3);
    expect(pool.kinds).toEqual(['down@0', 'recovered@1000', 'down@60000']);
    expect(pool.next).toBe(61_000);
    pool.tick(60_999);
    expect(pool.kinds).toHaveLength(3);
    pool.tick(61_000);
    expect(pool.sent.at(-1)).toEqual({ kind: 'recovered', status: 'green', healthy: 3, total: 3, at: 61_000 });
    expect(pool.next).toBeUndefined();
  });

  it('drops a deferred recovered when the pool is no longer green at the end of the cooldown', () => {
    const pool = given().sweep(0, 0).sweep(1_000, 3).sweep(60_000, 0).sweep(60_500, 3).sweep(60_800, 0);
    pool.tick(61_000).tick(200_000);
    expect(pool.kinds).toEqual(['down@0', 'recovered@1000', 'down@60000']);
    expect(pool.next).toBeUndefined();
  });

  it('sends a deferred down when a pool that recovered is red again at the end of the cooldown', () => {
    const pool = given().sweep(0, 0).sweep(1_000, 3).sweep(2_000, 0);
    expect(pool.next).toBe(60_000);
    pool.tick(60_000);
    expect(pool.kinds).toEqual(['down@0', 'recovered@1000', 'down@60000']);
  });

  it('takes the first sample as the baseline when nothing was announced before', () => {
    const pool = given(initialAlertState()).sweep(0, 0).sweep(1_000, 0);
    expect(pool.kinds).toEqual([]);
    pool.sweep(2_000, 3);
    expect(pool.kinds).toEqual(['recovered@2000']);
  });

  it('sends nothing on a tick before any sample', () => {
    expect(given(initialAlertState()).tick(0).kinds).toEqual([]);
  });

  it('keeps a new pool quiet until it is first green, then alerts on its transitions like any other', () => {
    const pool = given(newPoolAlertState()).sweep(0, 0, 0).sweep(1_000, 0, 1).sweep(2_000, 1, 2).tick(100_000);
    expect(pool.kinds).toEqual([]);
    pool.sweep(3_000, 2, 2).sweep(4_000, 0, 2).sweep(5_000, 2, 2);
    expect(pool.kinds).toEqual(['down@4000', 'recovered@5000']);
  });
});
