import { jest } from '@jest/globals';
import type { PoolAlertMessage, PoolDetails } from '@gwpool/contracts';
import { eventually, Scrape, TestStack } from '@gwpool/testing';
import type { Subscription } from '@nats-io/transport-node';
import { cmd, HeartbeatPump, heartbeat, poolWith, query } from './fleet.js';

jest.setTimeout(120_000);

/** Long enough for three flaps under damping, even on a busy machine. */
const COOLDOWN_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Flap damping (a gateway changes health after 3 failed or 2 passed checks in a row) and alerts on transitions. */
describe('health that does not flap, and alerts that do not repeat', () => {
  const org = 'acme';
  let stack: TestStack;
  let pump: HeartbeatPump;
  let subscription: Subscription;
  const alerts: PoolAlertMessage[] = [];

  beforeAll(async () => {
    stack = await TestStack.start({
      env: { UNHEALTHY_AFTER: '3', HEALTHY_AFTER: '2', ALERT_COOLDOWN: `${COOLDOWN_MS / 1000}s` },
    });
    pump = new HeartbeatPump(stack.client, org);
    subscription = stack.client.nc.subscribe(`gwpool.v1.${org}.alert.>`, {
      callback: (_error, msg) => {
        alerts.push(msg.json<PoolAlertMessage>());
      },
    });
    await stack.client.ok(cmd(org, 'gateway.register'), { gatewayId: 'gw-1' });
  });
  afterAll(async () => {
    subscription?.unsubscribe();
    pump?.stop();
    await stack?.stop();
  });

  const get = (poolId: string) => stack.client.ok<PoolDetails>(query(org, 'pool.get'), { poolId });

  it('keeps a gateway healthy through one failed check, and turns it unhealthy after three in a row', async () => {
    const poolId = await poolWith(stack.client, org, 'damped', ['gw-1']);
    pump.set('gw-1', 'passed');
    await eventually(() => get(poolId), (p) => p.healthy === 1, { label: 'healthy' });
    // One failed beat between passed ones: without damping the pool would read 0/1 for a moment.
    await stack.client.request(heartbeat(org, 'gw-1'), { check: 'failed' });
    const deadline = Date.now() + 1_500;
    while (Date.now() < deadline) expect((await get(poolId)).healthy).toBe(1);
    pump.set('gw-1', 'failed');
    await eventually(() => get(poolId), (p) => p.healthy === 0, { label: 'unhealthy after three failed checks' });
    pump.set('gw-1', 'passed');
    await eventually(() => get(poolId), (p) => p.healthy === 1, { label: 'healthy again' });
  });

  it('sends one down and one recovered for a pool that flaps many times within the cooldown', async () => {
    await stack.client.ok(cmd(org, 'gateway.register'), { gatewayId: 'gw-2' });
    const poolId = await poolWith(stack.client, org, 'flappy', ['gw-2']);
    pump.set('gw-2', 'passed');
    await eventually(() => get(poolId), (p) => p.status === 'green', { label: 'green' });
    // A new pool says nothing until it is first green, and nothing when it gets there.
    await sleep(500);
    expect(alerts.filter((a) => a.poolId === poolId)).toEqual([]);
    const started = Date.now();
    for (let flap = 0; flap < 3; flap += 1) {
      pump.set('gw-2', 'failed');
      await eventually(() => get(poolId), (p) => p.status === 'red', { label: `red ${flap}` });
      pump.set('gw-2', 'passed');
      await eventually(() => get(poolId), (p) => p.status === 'green', { label: `green ${flap}` });
    }
    // Past the cooldown of the first down: a deferred alert would have gone out by now.
    await sleep(Math.max(0, started + COOLDOWN_MS + 1_000 - Date.now()));
    const sent = alerts.filter((a) => a.poolId === poolId);
    expect(sent.map((a) => a.kind)).toEqual(['down', 'recovered']);
    expect(sent[0]).toMatchObject({ name: 'flappy', status: 'red', healthy: 0, total: 1 });
    expect(sent[1]).toMatchObject({ name: 'flappy', status: 'green', healthy: 1, total: 1 });
    expect(Date.parse(sent[1]?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(sent[0]?.at ?? ''));
    // The projector counts what it sent, by kind: every alert of this stack, none more.
    const metrics = await Scrape.of(`${stack.httpOf(stack.service('projector'))}/metrics`);
    for (const kind of ['down', 'degraded', 'recovered'] as const) {
      expect([kind, metrics.value('gwpool_pool_alerts_total', { kind })]).toEqual([
        kind,
        alerts.filter((a) => a.kind === kind).length,
      ]);
    }
    expect(metrics.samples('gwpool_pool_alerts_total', { kind: 'degraded' })).toHaveLength(1);
  });
});
