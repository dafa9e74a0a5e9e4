import { jest } from '@jest/globals';
import type { PoolSummary } from '@gwpool/contracts';
import { eventually, type Reply, TestStack } from '@gwpool/testing';
import { replayOrg } from './fleet-log.js';
import { cmd, HeartbeatPump, poolWith, query, registerGateways } from './fleet.js';

jest.setTimeout(90_000);

const codeOf = (reply: Reply) => (reply.ok ? 'OK' : reply.error.code);

describe('consumers route through a pool or a single gateway', () => {
  const org = 'acme';
  let stack: TestStack;
  let pump: HeartbeatPump;
  let edge: string;
  let backup: string;
  let dark: string;

  beforeAll(async () => {
    stack = await TestStack.start({ heartbeatTtl: '3s' });
    pump = new HeartbeatPump(stack.client, org);
    await registerGateways(stack.client, org, ['gw-1', 'gw-2', 'gw-3', 'gw-down']);
    for (const id of ['gw-1', 'gw-2', 'gw-3']) pump.set(id, 'passed');
    pump.set('gw-down', 'failed');
    edge = await poolWith(stack.client, org, 'edge', ['gw-1', 'gw-2']);
    backup = await poolWith(stack.client, org, 'backup', ['gw-3']);
    dark = await poolWith(stack.client, org, 'dark', ['gw-down']);
    await eventually(
      () => stack.client.ok<{ pools: PoolSummary[] }>(query(org, 'pool.list'), {}),
      (r) =>
        r.pools.find((p) => p.poolId === edge)?.healthy === 2 &&
        r.pools.find((p) => p.poolId === backup)?.healthy === 1,
      { label: 'pools healthy' },
    );
  });
  afterAll(async () => {
    pump?.stop();
    await stack?.stop();
  });

  it('attaches a consumer to a pool with a healthy member and resolves it to one of them', async () => {
    const reply = await stack.client.ok(cmd(org, 'consumer.attach'), {
      consumerId: 'k8s-prod',
      consumerType: 'kubernetes-auth',
      poolId: edge,
    });
    expect(reply).toEqual({
      consumerId: 'k8s-prod',
      consumerType: 'kubernetes-auth',
      poolId: edge,
      position: expect.any(String),
    });
    const resolved = await eventually(
      () =>
        stack.client.request<{ gatewayId: string; poolId: string }>(query(org, 'route.resolve'), {
          consumerId: 'k8s-prod',
        }),
      (r) => r.ok,
      { label: 'resolvable' },
    );
    expect(resolved.ok && resolved.value.poolId).toBe(edge);
    expect(['gw-1', 'gw-2']).toContain(resolved.ok && resolved.value.gatewayId);
    const pool = await stack.client.ok<Record<string, unknown>>(query(org, 'pool.get'), { poolId: edge });
    expect(pool['consumerCount']).toBe(1);
    expect(await stack.client.ok(query(org, 'pool.consumers'), { poolId: edge })).toEqual({
      poolId: edge,
      consumers: [{ consumerId: 'k8s-prod', consumerType: 'kubernetes-auth' }],
    });
  });

  it('refuses to attach to a pool with no healthy member and stores nothing', async () => {
    const before = (await replayOrg(stack.env.EVENT_STORE_URL, org)).events.length;
    const reply = await stack.client.request(cmd(org, 'consumer.attach'), {
      consumerId: 'pam-1',
      consumerType: 'pam',
      poolId: dark,
    });
    expect(codeOf(reply)).toBe('NO_HEALTHY_GATEWAY');
    expect(!reply.ok && reply.error.message).toBe("pool 'dark' has no healthy gateway (0/1 healthy)");
    expect((await replayOrg(stack.env.EVENT_STORE_URL, org)).events.length).toBe(before);
    expect(codeOf(await stack.client.request(query(org, 'route.resolve'), { consumerId: 'pam-1' }))).toBe('NOT_FOUND');
  });

  it('refuses to attach to an unhealthy single gateway and accepts a healthy one', async () => {
    const down = await stack.client.request(cmd(org, 'consumer.attach'), {
      consumerId: 'ds-1',
      consumerType: 'dynamic-secret',
      gatewayId: 'gw-down',
    });
    expect(codeOf(down)).toBe('NO_HEALTHY_GATEWAY');
    const unknown = await stack.client.request(cmd(org, 'consumer.attach'), {
      consumerId: 'ds-1',
      consumerType: 'dynamic-secret',
      gatewayId: 'gw-nope',
    });
    expect(codeOf(unknown)).toBe('NOT_FOUND');
    await stack.client.ok(cmd(org, 'consumer.attach'), {
      consumerId: 'ds-1',
      consumerType: 'dynamic-secret',
      gatewayId: 'gw-3',
    });
    const resolved = await eventually(
      () => stack.client.request(query(org, 'route.resolve'), { consumerId: 'ds-1' }),
      (r) => r.ok,
      { label: 'ds-1 resolvable' },
    );
    expect(resolved.ok && resolved.value).toEqual({
      consumerId: 'ds-1',
      gatewayId: 'gw-3',
      zone: 'eu-1',
      panic: false,
    });
  });

  it('moves a consumer when it is attached elsewhere, so the old pool can be deleted', async () => {
    await stack.client.ok(cmd(org, 'consumer.attach'), {
      consumerId: 'k8s-prod',
      consumerType: 'kubernetes-auth',
      poolId: backup,
    });
    await eventually(
      () => stack.client.ok<Record<string, unknown>>(query(org, 'pool.get'), { poolId: edge }),
      (p) => p['consumerCount'] === 0,
      { label: 'moved off edge' },
    );
    expect(await stack.client.ok(query(org, 'pool.consumers'), { poolId: backup })).toEqual({
      poolId: backup,
      consumers: [{ consumerId: 'k8s-prod', consumerType: 'kubernetes-auth' }],
    });
    expect(await stack.client.ok(cmd(org, 'pool.delete'), { poolId: edge })).toEqual({
      poolId: edge,
      deleted: true,
      position: expect.any(String),
    });
    const { catalog } = await replayOrg(stack.env.EVENT_STORE_URL, org);
    expect(catalog.consumers.get('k8s-prod')?.target).toEqual({ kind: 'pool', poolId: backup });
  });

  it('answers a descriptive NO_HEALTHY_GATEWAY when a consumer cannot be served', async () => {
    pump.set('gw-3', 'failed');
    const viaPool = await eventually(
      () => stack.client.request(query(org, 'route.resolve'), { consumerId: 'k8s-prod' }),
      (r) => !r.ok,
      { label: 'k8s-prod unserved' },
    );
    expect(!viaPool.ok && viaPool.error).toMatchObject({
      code: 'NO_HEALTHY_GATEWAY',
      message: "pool 'backup' has no healthy gateway (0/1 healthy)",
    });
    const viaGateway = await stack.client.request(query(org, 'route.resolve'), { consumerId: 'ds-1' });
    expect(!viaGateway.ok && viaGateway.error).toMatchObject({
      code: 'NO_HEALTHY_GATEWAY',
      message: "consumer 'ds-1' routes through gateway 'gw-3', which is not healthy",
    });
    pump.set('gw-3', 'passed');
  });

  it('detaches a consumer, after which it resolves to NOT_FOUND', async () => {
    expect(await stack.client.ok(cmd(org, 'consumer.detach'), { consumerId: 'ds-1' })).toEqual({
      consumerId: 'ds-1',
      detached: true,
      position: expect.any(String),
    });
    await eventually(
      () => stack.client.request(query(org, 'route.resolve'), { consumerId: 'ds-1' }),
      (r) => codeOf(r) === 'NOT_FOUND',
    );
    expect(codeOf(await stack.client.request(cmd(org, 'consumer.detach'), { consumerId: 'ds-1' }))).toBe('NOT_FOUND');
  });

  it('refuses an attach naming both a pool and a gateway, or neither, or an unknown type', async () => {
    for (const body of [
      { consumerId: 'x', consumerType: 'pam', poolId: backup, gatewayId: 'gw-1' },
      { consumerId: 'x', consumerType: 'pam' },
      { consumerId: 'x', consumerType: 'ssh', gatewayId: 'gw-1' },
    ]) {
      expect(codeOf(await stack.client.request(cmd(org, 'consumer.attach'), body))).toBe('VALIDATION_FAILED');
    }
  });
});
