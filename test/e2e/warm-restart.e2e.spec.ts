import { jest } from '@jest/globals';
import type { LivenessRecord } from '@gwpool/read-model';
import { openReadModel } from '@gwpool/storage';
import { eventually, TestStack } from '@gwpool/testing';
import { heartbeat, poolWith, query, registerGateways } from './fleet.js';

jest.setTimeout(120_000);

describe('warm restarts', () => {
  const org = 'warm';
  let stack: TestStack;
  let poolId: string;

  beforeAll(async () => {
    // Long enough that nothing expires during the test, short enough to be a real TTL.
    stack = await TestStack.start({ heartbeatTtl: '2m' });
    await registerGateways(stack.client, org, ['gw-1', 'gw-2']);
    poolId = await poolWith(stack.client, org, 'edge', ['gw-1', 'gw-2']);
  });
  afterAll(() => stack?.stop());

  const stored = async (): Promise<LivenessRecord[]> => {
    const store = await openReadModel(stack.env.READ_MODEL_URL);
    try {
      return await store.loadLiveness({ org });
    } finally {
      await store.close();
    }
  };
  const healthy = async () => (await stack.client.ok<{ healthy: number }>(query(org, 'pool.get'), { poolId })).healthy;

  it('a routing-query or heartbeat-ingest restarted after kill -9 treats the gateways that were healthy as healthy', async () => {
    // One heartbeat each, then silence: whatever is healthy after the restarts comes from stored liveness.
    await eventually(
      async () => {
        for (const id of ['gw-1', 'gw-2']) stack.client.publish(heartbeat(org, id), { check: 'passed' });
        return stored();
      },
      (records) => records.length === 2,
      { intervalMs: 300, label: 'liveness stored' },
    );
    await eventually(healthy, (n) => n === 2, { label: 'both healthy' });

    for (const name of ['routing-query', 'heartbeat-ingest'] as const) {
      const service = stack.service(name);
      await service.stop('SIGKILL');
      await stack.restart(service);
    }

    expect(await healthy()).toBe(2);
    for (let i = 0; i < 20; i += 1)
      expect((await stack.client.request(query(org, 'route.pick'), { poolId })).ok).toBe(true);
  });
});
