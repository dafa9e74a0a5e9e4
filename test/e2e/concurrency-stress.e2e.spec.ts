import { jest } from '@jest/globals';
import { evolve, initialCatalog, isOrgEventType, type OrgEvent } from '@gwpool/domain';
import { eventually, type Reply, TestStack } from '@gwpool/testing';
import { replayOrg } from './fleet-log.js';
import { cmd, HeartbeatPump, query, registerGateways } from './fleet.js';

jest.setTimeout(180_000);

const codeOf = (reply: Reply) => (reply.ok ? 'OK' : reply.error.code);
const pickOne = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/** Replays the org's log event by event and checks both invariants after every single event. */
async function assertInvariantsThroughout(eventStoreUrl: string, org: string) {
  const { events } = await replayOrg(eventStoreUrl, org);
  let state = initialCatalog(org);
  for (const recorded of events) {
    if (!isOrgEventType(recorded.type)) continue;
    state = evolve(state, { type: recorded.type, data: recorded.data } as OrgEvent);
    const names = [...state.pools.values()].map((p) => p.name);
    expect([recorded.revision, new Set(names).size]).toEqual([recorded.revision, names.length]);
    for (const consumer of state.consumers.values()) {
      if (consumer.target.kind === 'pool')
        expect([recorded.revision, state.pools.has(consumer.target.poolId)]).toEqual([recorded.revision, true]);
    }
  }
  return state;
}

describe('invariants hold under hundreds of conflicting commands across two pool-command instances', () => {
  const org = 'stress';
  let stack: TestStack;
  let pump: HeartbeatPump;

  beforeAll(async () => {
    stack = await TestStack.start({ poolCommandInstances: 2 });
    pump = new HeartbeatPump(stack.client, org);
    await registerGateways(stack.client, org, ['gw-1', 'gw-2']);
    pump.set('gw-1', 'passed');
    pump.set('gw-2', 'passed');
    await eventually(
      () => stack.client.ok<{ gateways: { healthy: boolean }[] }>(query(org, 'gateway.list'), {}),
      (r) => r.gateways.every((g) => g.healthy),
      { label: 'gateways healthy' },
    );
  });
  afterAll(async () => {
    pump?.stop();
    await stack?.stop();
  });

  it('runs on two pool-command instances that both take commands', () => {
    expect(stack.processes.filter((p) => p.name === 'pool-command' && p.running)).toHaveLength(2);
  });

  it('lets exactly one of many concurrent creates take each name', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `name-${i}`);
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        stack.client.request<{ poolId: string; name: string }>(
          cmd(org, 'pool.create'),
          { name: names[i % names.length] },
          { timeoutMs: 30_000 },
        ),
      ),
    );
    const created = replies.filter((r) => r.ok);
    expect(created).toHaveLength(10);
    expect(new Set(created.map((r) => r.ok && r.value.name)).size).toBe(10);
    expect(replies.filter((r) => codeOf(r) === 'CONFLICT')).toHaveLength(190);
  });

  it('never leaves a consumer on a deleted pool when attach races delete', async () => {
    const pools: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const { poolId } = await stack.client.ok<{ poolId: string }>(cmd(org, 'pool.create'), { name: `race-${i}` });
      await stack.client.ok(cmd(org, 'pool.member.add'), { poolId, gatewayId: 'gw-1' });
      pools.push(poolId);
    }
    const outcomes = await Promise.all(
      pools.map(async (poolId, i) => {
        const [attach, remove] = await Promise.all([
          stack.client.request(
            cmd(org, 'consumer.attach'),
            { consumerId: `c-${i}`, consumerType: 'kubernetes-auth', poolId },
            { timeoutMs: 30_000 },
          ),
          stack.client.request(cmd(org, 'pool.delete'), { poolId }, { timeoutMs: 30_000 }),
        ]);
        return `${codeOf(attach)}/${codeOf(remove)}`;
      }),
    );
    for (const outcome of outcomes) expect(['OK/POOL_IN_USE', 'NOT_FOUND/OK']).toContain(outcome);
  });

  it('keeps names unique and references valid through a storm of creates, renames, deletes, attaches and detaches', async () => {
    const names = Array.from({ length: 15 }, (_, i) => `storm-${i}`);
    const known: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const { poolId } = await stack.client.ok<{ poolId: string }>(cmd(org, 'pool.create'), { name: `storm-${i}` });
      await stack.client.ok(cmd(org, 'pool.member.add'), { poolId, gatewayId: pickOne(['gw-1', 'gw-2']) });
      known.push(poolId);
    }
    const consumers = Array.from({ length: 12 }, (_, i) => `storm-c-${i}`);
    const operations = Array.from({ length: 400 }, () => {
      const roll = Math.random();
      if (roll < 0.2)
        return stack.client.request<{ poolId: string }>(
          cmd(org, 'pool.create'),
          { name: pickOne(names) },
          { timeoutMs: 30_000 },
        );
      if (roll < 0.45)
        return stack.client.request(
          cmd(org, 'pool.update'),
          { poolId: pickOne(known), name: pickOne(names) },
          { timeoutMs: 30_000 },
        );
      if (roll < 0.6)
        return stack.client.request(cmd(org, 'pool.delete'), { poolId: pickOne(known) }, { timeoutMs: 30_000 });
      if (roll < 0.9) {
        return stack.client.request(
          cmd(org, 'consumer.attach'),
          { consumerId: pickOne(consumers), consumerType: 'kubernetes-auth', poolId: pickOne(known) },
          { timeoutMs: 30_000 },
        );
      }
      return stack.client.request(
        cmd(org, 'consumer.detach'),
        { consumerId: pickOne(consumers) },
        { timeoutMs: 30_000 },
      );
    });
    const replies = await Promise.all(operations);
    const codes = new Map<string, number>();
    for (const reply of replies) codes.set(codeOf(reply), (codes.get(codeOf(reply)) ?? 0) + 1);
    // Every reply is an answer the API defines: nothing timed out, nothing was INTERNAL.
    for (const code of codes.keys())
      expect(['OK', 'CONFLICT', 'NOT_FOUND', 'POOL_IN_USE', 'NO_HEALTHY_GATEWAY']).toContain(code);
    expect(codes.get('OK') ?? 0).toBeGreaterThan(50);

    const replayed = await assertInvariantsThroughout(stack.env.EVENT_STORE_URL, org);

    const served = await eventually(
      () =>
        stack.client.ok<{ pools: { poolId: string; name: string; consumerCount: number }[] }>(
          query(org, 'pool.list'),
          {},
        ),
      (r) => r.pools.length === replayed.pools.size,
      { label: 'read model caught up' },
    );
    expect(new Set(served.pools.map((p) => p.name)).size).toBe(served.pools.length);
    const expected = [...replayed.pools.values()]
      .map((p) => ({ poolId: p.poolId, name: p.name, consumerCount: p.consumers.size }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(served.pools.map(({ poolId, name, consumerCount }) => ({ poolId, name, consumerCount }))).toEqual(expected);
    for (const consumer of replayed.consumers.values()) {
      if (consumer.target.kind !== 'pool') continue;
      const resolved = await stack.client.request<{ poolId: string }>(query(org, 'route.resolve'), {
        consumerId: consumer.consumerId,
      });
      expect(resolved.ok && resolved.value.poolId).toBe(consumer.target.poolId);
    }
  });
});
