import { jest } from '@jest/globals';
import type { LivenessRecord } from '@gwpool/read-model';
import { openReadModel } from '@gwpool/storage';
import { eventually, TestStack } from '@gwpool/testing';
import { HeartbeatPump, poolWith, query, registerGateways } from './fleet.js';

jest.setTimeout(120_000);

interface Stats {
  storeRetries: number;
  persistFailures: number;
  unstored: number;
}

async function storedLiveness(url: string): Promise<LivenessRecord[]> {
  const store = await openReadModel(url);
  try {
    return await store.loadLiveness({ org: 'outage' });
  } finally {
    await store.close();
  }
}

describe('liveness across a PostgreSQL restart', () => {
  const org = 'outage';
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({ ownPostgres: true });
    await registerGateways(stack.client, org, ['gw-1', 'gw-2', 'gw-3']);
  });
  afterAll(() => stack?.stop());

  it('stores, once PostgreSQL is back, the newest heartbeat of each gateway received while it was down', async () => {
    const poolId = await poolWith(stack.client, org, 'edge', ['gw-1', 'gw-2', 'gw-3']);
    const pump = new HeartbeatPump(stack.client, org, 200);
    for (const id of ['gw-1', 'gw-2', 'gw-3']) pump.set(id, 'passed');
    try {
      await eventually(
        () => storedLiveness(stack.env.READ_MODEL_URL),
        (records) => records.length === 3,
        { label: 'liveness stored before the outage' },
      );

      const startAgain = await stack.stopPostgres();
      const down = Date.now();
      // While it is down, gw-2 starts failing its check: the newest heartbeat is the one that must be stored.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      pump.set('gw-2', 'failed');
      const picks = await stack.client.request(query(org, 'route.pick'), { poolId });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      pump.stop();
      await stack.client.flush();
      const lastBeat = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await startAgain();

      const stored = await eventually(
        () => storedLiveness(stack.env.READ_MODEL_URL),
        (records) => records.length === 3 && records.every((r) => r.at > down + 2000),
        { timeoutMs: 30_000, label: 'the heartbeats of the outage stored' },
      );
      expect(picks.ok).toBe(true);
      expect(stored.find((r) => r.gatewayId === 'gw-2')?.check).toBe('failed');
      for (const record of stored) expect(record.at).toBeLessThanOrEqual(lastBeat);
      const stats = await eventually(
        () => stack.client.ok<Stats>('gwpool.v1.admin.heartbeat-ingest.stats', {}),
        (s) => s.unstored === 0,
        { label: 'nothing left to store' },
      );
      expect(stats.storeRetries).toBeGreaterThan(0);
      expect(stats.persistFailures).toBe(0);
      // One warning when the outage started, one line when it ended: not one per flush.
      const logs = stack.service('heartbeat-ingest').logs();
      expect(logs.match(/cannot store liveness/g)).toHaveLength(1);
      expect(logs.match(/stored liveness again after/g)).toHaveLength(1);
    } finally {
      pump.stop();
    }
  });
});
