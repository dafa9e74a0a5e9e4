import { jest } from '@jest/globals';
import type { GatewayView, PoolDetails } from '@gwpool/contracts';
import type { PoolMemberRemoved } from '@gwpool/domain';
import { eventually, type Reply, TestStack } from '@gwpool/testing';
import { replayOrg } from './fleet-log.js';
import { cmd, HeartbeatPump, poolWith, query, registerGateways } from './fleet.js';

jest.setTimeout(90_000);

const codeOf = <T>(reply: Reply<T>) => (reply.ok ? 'OK' : reply.error.code);

describe('pool lifecycle: rename, delete, member removal and gateway deregistration', () => {
  const org = 'acme';
  let stack: TestStack;
  let pump: HeartbeatPump;

  beforeAll(async () => {
    stack = await TestStack.start();
    pump = new HeartbeatPump(stack.client, org);
    await registerGateways(stack.client, org, ['gw-1', 'gw-2', 'gw-3']);
    for (const id of ['gw-1', 'gw-2', 'gw-3']) pump.set(id, 'passed');
  });
  afterAll(async () => {
    pump?.stop();
    await stack?.stop();
  });

  const get = (poolId: string) => stack.client.request<PoolDetails>(query(org, 'pool.get'), { poolId });

  it('renames a pool and frees its old name at once', async () => {
    const poolId = await poolWith(stack.client, org, 'alpha', []);
    const renamed = await stack.client.ok(cmd(org, 'pool.update'), { poolId, name: 'beta', description: 'primary' });
    expect(renamed).toEqual({
      poolId,
      name: 'beta',
      description: 'primary',
      strategy: 'random',
      position: expect.any(String),
    });
    const again = await stack.client.ok<{ poolId: string }>(cmd(org, 'pool.create'), { name: 'alpha' });
    expect(again.poolId).not.toBe(poolId);
    await eventually(
      () => get(poolId),
      (r) => r.ok && r.value.name === 'beta' && r.value.description === 'primary',
    );
  });

  it('refuses a rename onto a taken name or a bad slug and keeps the pool as it was', async () => {
    const poolId = await poolWith(stack.client, org, 'gamma', []);
    expect(codeOf(await stack.client.request(cmd(org, 'pool.update'), { poolId, name: 'beta' }))).toBe('CONFLICT');
    expect(codeOf(await stack.client.request(cmd(org, 'pool.update'), { poolId, name: 'Not A Slug' }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(codeOf(await stack.client.request(cmd(org, 'pool.update'), { poolId: 'no-such-pool', name: 'delta' }))).toBe(
      'NOT_FOUND',
    );
    const cleared = await stack.client.ok(cmd(org, 'pool.update'), { poolId, description: '' });
    expect(cleared).toEqual({ poolId, name: 'gamma', strategy: 'random', position: expect.any(String) });
    await eventually(
      () => get(poolId),
      (r) => r.ok && r.value.name === 'gamma',
    );
  });

  it('refuses to delete a pool in use, naming how many consumers and which', async () => {
    const poolId = await poolWith(stack.client, org, 'busy', ['gw-1']);
    await eventually(
      () => get(poolId),
      (r) => r.ok && r.value.healthy === 1,
      { label: 'busy healthy' },
    );
    const consumers = ['k8s-1', 'k8s-2', 'k8s-3', 'k8s-4', 'k8s-5', 'k8s-6', 'k8s-7'];
    for (const consumerId of consumers) {
      await stack.client.ok(cmd(org, 'consumer.attach'), { consumerId, consumerType: 'kubernetes-auth', poolId });
    }
    const refused = await stack.client.request(cmd(org, 'pool.delete'), { poolId });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('POOL_IN_USE');
    expect(refused.headers?.get('Nats-Service-Error-Code')).toBe('409');
    expect(refused.error.message).toBe(
      "pool 'busy' is used by 7 consumers (k8s-1, k8s-2, k8s-3, k8s-4, k8s-5, …); move or detach them first",
    );
    for (const consumerId of consumers) await stack.client.ok(cmd(org, 'consumer.detach'), { consumerId });
    expect(await stack.client.ok(cmd(org, 'pool.delete'), { poolId })).toEqual({
      poolId,
      deleted: true,
      position: expect.any(String),
    });
  });

  it('makes a deleted pool NOT_FOUND everywhere, frees its name and keeps its history in the log', async () => {
    const poolId = await poolWith(stack.client, org, 'doomed', ['gw-2']);
    await stack.client.ok(cmd(org, 'pool.delete'), { poolId });
    await eventually(
      () => get(poolId),
      (r) => codeOf(r) === 'NOT_FOUND',
      { label: 'deleted pool gone' },
    );
    expect(codeOf(await stack.client.request(query(org, 'route.pick'), { poolId }))).toBe('NOT_FOUND');
    expect(codeOf(await stack.client.request(cmd(org, 'pool.member.add'), { poolId, gatewayId: 'gw-1' }))).toBe(
      'NOT_FOUND',
    );
    expect(codeOf(await stack.client.request(cmd(org, 'pool.delete'), { poolId }))).toBe('NOT_FOUND');
    const list = await stack.client.ok<{ pools: { poolId: string }[] }>(query(org, 'pool.list'), {});
    expect(list.pools.map((p) => p.poolId)).not.toContain(poolId);
    await stack.client.ok(cmd(org, 'pool.create'), { name: 'doomed' });
    const { events } = await replayOrg(stack.env.EVENT_STORE_URL, org);
    const history = events.filter((e) => (e.data as { poolId?: string }).poolId === poolId).map((e) => e.type);
    expect(history).toEqual(['PoolCreated', 'PoolMemberAdded', 'PoolDeleted']);
  });

  it('stops routing through a removed member within one second', async () => {
    const poolId = await poolWith(stack.client, org, 'shrinking', ['gw-1', 'gw-2']);
    await eventually(
      () => get(poolId),
      (r) => r.ok && r.value.healthy === 2,
      { label: 'both healthy' },
    );
    expect(await stack.client.ok(cmd(org, 'pool.member.remove'), { poolId, gatewayId: 'gw-2' })).toEqual({
      poolId,
      gatewayId: 'gw-2',
      removed: true,
      position: expect.any(String),
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const after = await get(poolId);
    expect(after.ok && after.value.total).toBe(1);
    for (let i = 0; i < 40; i += 1) {
      expect(await stack.client.ok(query(org, 'route.pick'), { poolId })).toEqual({
        poolId,
        gatewayId: 'gw-1',
        zone: 'eu-1',
        panic: false,
      });
    }
    expect(codeOf(await stack.client.request(cmd(org, 'pool.member.remove'), { poolId, gatewayId: 'gw-2' }))).toBe(
      'NOT_FOUND',
    );
  });

  it('takes a deregistered gateway out of every pool, records it in each, and drops its later heartbeats', async () => {
    const first = await poolWith(stack.client, org, 'first', ['gw-3', 'gw-1']);
    const second = await poolWith(stack.client, org, 'second', ['gw-3']);
    const reply = await stack.client.ok<{ gatewayId: string; leftPools: string[] }>(cmd(org, 'gateway.deregister'), {
      gatewayId: 'gw-3',
    });
    expect(reply.gatewayId).toBe('gw-3');
    expect(reply.leftPools.sort()).toEqual([first, second].sort());
    await eventually(
      () => get(first),
      (r) => r.ok && r.value.total === 1,
      { label: 'left first' },
    );
    await eventually(
      () => get(second),
      (r) => r.ok && r.value.total === 0,
      { label: 'left second' },
    );

    const { events } = await replayOrg(stack.env.EVENT_STORE_URL, org);
    const deregistered = events.find((e) => e.type === 'GatewayDeregistered');
    const removals = events.filter(
      (e) => e.type === 'PoolMemberRemoved' && (e.data as PoolMemberRemoved['data']).gatewayId === 'gw-3',
    );
    expect(removals.map((e) => (e.data as PoolMemberRemoved['data']).poolId).sort()).toEqual([first, second].sort());
    for (const removal of removals) {
      expect(removal.data).toMatchObject({ reason: 'gateway-deregistered' });
      expect(removal.metadata.causationId).toBe(deregistered?.id);
      expect(removal.metadata.correlationId).toBe(deregistered?.metadata.correlationId);
    }

    const stats = () => stack.client.ok<{ unregistered: number }>('gwpool.v1.admin.heartbeat-ingest.stats', {});
    const before = await stats();
    await eventually(stats, (s) => s.unregistered > before.unregistered, { label: 'gw-3 beats dropped' });
    const gateways = await stack.client.ok<{ gateways: { gatewayId: string }[] }>(query(org, 'gateway.list'), {});
    expect(gateways.gateways.map((g) => g.gatewayId)).not.toContain('gw-3');
    expect(codeOf(await stack.client.request(cmd(org, 'pool.member.add'), { poolId: first, gatewayId: 'gw-3' }))).toBe(
      'NOT_FOUND',
    );
  });

  it('lists every gateway with its health, last heartbeat, last check and pools', async () => {
    const { gateways } = await stack.client.ok<{ gateways: GatewayView[] }>(query(org, 'gateway.list'), {});
    const gw1 = gateways.find((g) => g.gatewayId === 'gw-1');
    expect(gw1).toMatchObject({ healthy: true, lastCheck: 'passed', name: 'Gateway gw-1', zone: 'eu-1' });
    expect(Date.parse(gw1?.lastHeartbeatAt ?? '')).toBeGreaterThan(Date.now() - 10_000);
    expect(gw1?.pools.length).toBeGreaterThanOrEqual(2);
  });
});
