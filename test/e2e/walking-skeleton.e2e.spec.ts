import { jest } from '@jest/globals';
import type { GatewayView, PoolDetails, PoolHealthUpdate, PoolSummary } from '@gwpool/contracts';
import type { GatewayRegistered } from '@gwpool/domain';
import { openEventLog } from '@gwpool/storage';
import { eventually, TestStack } from '@gwpool/testing';
import { cmd, HeartbeatPump, heartbeat, poolWith, query, registerGateways } from './fleet.js';

jest.setTimeout(90_000);

describe('a pool routes only through healthy gateways, end to end', () => {
  const org = 'acme';
  const gateways = ['gw-a', 'gw-b', 'gw-c'];
  let stack: TestStack;
  let pump: HeartbeatPump;
  let poolId: string;

  beforeAll(async () => {
    stack = await TestStack.start({ heartbeatTtl: '2s' });
    pump = new HeartbeatPump(stack.client, org);
  });

  afterAll(async () => {
    pump?.stop();
    await stack?.stop();
  });

  const pool = () => stack.client.ok<PoolDetails>(query(org, 'pool.get'), { poolId });
  const pick = () => stack.client.request<{ gatewayId: string }>(query(org, 'route.pick'), { poolId });

  it('builds a pool of three registered gateways and reports it green once they beat', async () => {
    await registerGateways(stack.client, org, gateways);
    poolId = await poolWith(stack.client, org, 'edge-eu', gateways);
    // Heartbeat-ingest learns registrations from the log; beats sent before that are dropped by design.
    for (const gatewayId of gateways) pump.set(gatewayId, 'passed');
    // Views are eventually consistent: a pool can read green 2/2 before its third member reaches routing-query.
    const details = await eventually(pool, (p) => p.status === 'green' && p.total === 3, { label: 'pool green 3/3' });
    expect(details).toMatchObject({ poolId, name: 'edge-eu', status: 'green', healthy: 3, total: 3 });
    expect(details.members).toHaveLength(3);
    for (const member of details.members) {
      expect(member).toMatchObject({ healthy: true, lastCheck: 'passed', zone: 'eu-1' });
      expect(Date.parse(member.lastHeartbeatAt ?? '')).toBeGreaterThan(Date.now() - 10_000);
    }
    const list = await stack.client.ok<{ pools: PoolSummary[] }>(query(org, 'pool.list'), {});
    expect(list.pools).toEqual([{ poolId, name: 'edge-eu', status: 'green', healthy: 3, total: 3, consumerCount: 0 }]);
  });

  it('spreads 300 picks over all three healthy gateways', async () => {
    const hits = new Map<string, number>();
    for (let i = 0; i < 300; i += 1) {
      const reply = await pick();
      if (!reply.ok) throw new Error(reply.error.message);
      hits.set(reply.value.gatewayId, (hits.get(reply.value.gatewayId) ?? 0) + 1);
    }
    expect([...hits.keys()].sort()).toEqual(gateways);
    // Uniform picks put about 100 on each; 50 is far outside chance.
    for (const count of hits.values()) expect(count).toBeGreaterThan(50);
  });

  it('stops picking a gateway within a second of it reporting a failed check', async () => {
    pump.set('gw-b', 'failed');
    // The promise is "not picked one second later": how much sooner is for the benchmark, not for a test.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect((await pool()).healthy).toBe(2);
    for (let i = 0; i < 100; i += 1) {
      const reply = await pick();
      expect(reply.ok && reply.value.gatewayId).not.toBe('gw-b');
    }
    const details = await pool();
    expect(details.status).toBe('yellow');
    expect(details.members.find((m) => m.gatewayId === 'gw-b')).toMatchObject({ healthy: false, lastCheck: 'failed' });
  });

  it('stops picking a gateway that goes silent past the TTL, with no new event needed', async () => {
    pump.set('gw-c', 'silent');
    await eventually(pool, (p) => p.healthy === 1, { timeoutMs: 4000, intervalMs: 50, label: 'gw-c expired' });
    for (let i = 0; i < 50; i += 1) {
      const reply = await pick();
      expect(reply.ok && reply.value.gatewayId).toBe('gw-a');
    }
  });

  it('answers NO_HEALTHY_GATEWAY with the pool and the count when every member is down', async () => {
    pump.set('gw-a', 'failed');
    await eventually(pool, (p) => p.healthy === 0, { timeoutMs: 3000, label: 'all down' });
    const reply = await pick();
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('NO_HEALTHY_GATEWAY');
    expect(reply.error.message).toBe("pool 'edge-eu' has no healthy gateway (0/3 healthy)");
    expect(reply.headers?.get('Nats-Service-Error-Code')).toBe('503');
    expect(reply.headers?.get('Nats-Service-Error')).toBe(reply.error.message);
    expect((await pool()).status).toBe('red');
  });

  it('publishes each change of pool health for dashboards', async () => {
    const updates: PoolHealthUpdate[] = [];
    const sub = stack.client.nc.subscribe(`gwpool.v1.${org}.health.${poolId}`, {
      callback: (_error, msg) => {
        updates.push(msg.json<PoolHealthUpdate>());
      },
    });
    await stack.client.flush();
    pump.set('gw-a', 'passed');
    const seen = await eventually(
      () => updates,
      (u) => u.some((x) => x.healthy === 1),
      { timeoutMs: 2000, label: 'health update' },
    );
    sub.unsubscribe();
    expect(seen.find((x) => x.healthy === 1)).toMatchObject({
      poolId,
      name: 'edge-eu',
      status: 'yellow',
      healthy: 1,
      total: 3,
    });
    expect(Date.parse(seen[0]?.at ?? '')).not.toBeNaN();
  });

  it('drops and counts a heartbeat from a gateway not registered in the org', async () => {
    const before = await stack.client.ok<{ unregistered: number }>('gwpool.v1.admin.heartbeat-ingest.stats', {});
    // Sent as a request, its drop is answered with the reason; the log line is rate-limited and may be taken.
    expect(await stack.client.ok(heartbeat(org, 'gw-stranger'), { check: 'passed' })).toEqual({
      accepted: false,
      reason: 'unregistered',
      message: "gateway 'gw-stranger' is not registered in org 'acme'",
    });
    stack.client.publish(heartbeat('other-org', 'gw-a'), { check: 'passed' });
    const after = await eventually(
      () => stack.client.ok<{ unregistered: number }>('gwpool.v1.admin.heartbeat-ingest.stats', {}),
      (s) => s.unregistered >= before.unregistered + 2,
      { label: 'drops counted' },
    );
    expect(after.unregistered).toBe(before.unregistered + 2);
    const gatewaysNow = await stack.client.ok<{ gateways: GatewayView[] }>(query(org, 'gateway.list'), {});
    expect(gatewaysNow.gateways.map((g) => g.gatewayId)).toEqual(gateways);
  });

  it('records the actor and a correlation id on every event', async () => {
    const reply = await stack.client.request(
      cmd(org, 'gateway.register'),
      { gatewayId: 'gw-audit' },
      {
        headers: { 'Gwpool-Actor': 'alice@example.com', 'Gwpool-Correlation-Id': 'req-42' },
      },
    );
    expect(reply).toMatchObject({ ok: true, value: { gatewayId: 'gw-audit' } });
    const log = await openEventLog(stack.env.EVENT_STORE_URL);
    try {
      const events = await log.readStream('gwpool-org-acme');
      const registered = events.filter(
        (e) => e.type === 'GatewayRegistered' && (e.data as GatewayRegistered['data']).gatewayId === 'gw-audit',
      );
      expect(registered).toHaveLength(1);
      expect(registered[0]?.metadata).toMatchObject({ actor: 'alice@example.com', correlationId: 'req-42' });
      expect(registered[0]?.metadata.causationId).toEqual(expect.any(String));
      expect(Date.parse(registered[0]?.metadata.occurredAt ?? '')).not.toBeNaN();
    } finally {
      await log.close();
    }
  });
});
