import { Readiness } from './readiness.js';
import { FollowerMonitor, type LagSource } from './follower-monitor.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A log whose lag the test sets: the monitor's logic, without a store. */
class SettableLag implements LagSource {
  events = 0;
  oldest: Date | null = null;
  failure?: Error;
  async measureLag() {
    if (this.failure) throw this.failure;
    return { events: this.events, capped: false, oldestRecordedAt: this.oldest };
  }
}

describe('readiness', () => {
  it('is ready when every check passes and otherwise lists why not', () => {
    const readiness = new Readiness();
    const nats: { why?: string } = {};
    readiness.add('nats', () => nats.why);
    readiness.add('catalog', () => undefined);

    expect(readiness.state()).toEqual({ ready: true, checks: { nats: 'ok', catalog: 'ok' } });
    nats.why = 'nats: connection closed';
    expect(readiness.state()).toEqual({
      ready: false,
      reasons: ['nats: connection closed'],
      checks: { nats: 'nats: connection closed', catalog: 'ok' },
    });
  });

  it('fails a probe until it first answers, and names what it answered', async () => {
    const readiness = new Readiness(20, 50);
    let fail = true;
    readiness.probe('event-log', async () => {
      if (fail) throw new Error('connection refused');
    });
    await sleep(10);
    expect(readiness.state().reasons).toEqual(['event-log: connection refused']);
    fail = false;
    await sleep(80);
    expect(readiness.state().ready).toBe(true);
    readiness.probe('read-model', () => new Promise(() => undefined));
    await sleep(120);
    expect(readiness.state().reasons).toEqual(['read-model: read-model did not answer within 50 ms']);
    readiness.stop();
  });
});

describe('a follower of the log', () => {
  it('is not ready until nothing recorded before it started is left to apply', async () => {
    const log = new SettableLag();
    log.events = 3;
    log.oldest = new Date(Date.now() - 60_000);
    const monitor = new FollowerMonitor('catalog', () => '1:1', log, { maxLagMs: 10_000, intervalMs: 10 });

    expect(monitor.check()).toBe('catalog: loading');
    monitor.start();
    await sleep(30);
    expect(monitor.check()).toMatch(/^catalog: catching up, 3 events \(6\d\.\d s\) behind the log$/);
    expect(monitor.caughtUp).toBe(false);

    const caughtUp = monitor.whenCaughtUp();
    log.events = 0;
    log.oldest = null;
    await caughtUp;
    expect(monitor.check()).toBeUndefined();
    monitor.stop();
  });

  it('counts as caught up when all it has left was recorded after it started', async () => {
    const log = new SettableLag();
    const monitor = new FollowerMonitor('catalog', () => null, log, { maxLagMs: 10_000, intervalMs: 10 });
    log.events = 2;
    log.oldest = new Date(Date.now() + 5);

    monitor.start();
    await monitor.whenCaughtUp();

    expect(monitor.check()).toBeUndefined();
    monitor.stop();
  });

  it('turns not ready when it falls behind more than the limit, or the log stops answering', async () => {
    const log = new SettableLag();
    const monitor = new FollowerMonitor('views', () => null, log, { maxLagMs: 1_000, intervalMs: 10 });
    monitor.start();
    await monitor.whenCaughtUp();

    log.events = 1;
    log.oldest = new Date(Date.now() - 2_500);
    await sleep(40);
    expect(monitor.check()).toMatch(/^views: 1 events \(2\.\d s\) behind the log, over READY_MAX_LAG \(1\.0 s\)$/);
    expect(monitor.lag()?.events).toBe(1);

    log.failure = new Error('connection terminated');
    await sleep(40);
    expect(monitor.check()).toBe('views: cannot measure its lag: connection terminated');
    monitor.stop();
  });
});
