import { jest } from '@jest/globals';
import type { AuditEventsReply, PoolDetails, PoolHealthUpdate, PoolSummary } from '@gwpool/contracts';
import { eventually, TestStack } from '@gwpool/testing';
import { cmd, HeartbeatPump, poolWith, query, registerGateways } from './fleet.js';

jest.setTimeout(120_000);

const audit = (org: string) => `gwpool.v1.${org}.query.audit.events`;

describe('health history in the log, and the audit query over it', () => {
  const org = 'audited';
  let stack: TestStack;
  let pump: HeartbeatPump;
  let poolId: string;
  /** When all three gateways had become healthy, before anything failed. */
  let allHealthyAt: string;
  const updates: PoolHealthUpdate[] = [];

  beforeAll(async () => {
    stack = await TestStack.start({ heartbeatTtl: '2s' });
    pump = new HeartbeatPump(stack.client, org);
    stack.client.nc.subscribe(`gwpool.v1.${org}.health.*`, {
      callback: (_error, msg) => void updates.push(msg.json<PoolHealthUpdate>()),
    });
    await registerGateways(stack.client, org, ['gw-1', 'gw-2', 'gw-3']);
    poolId = await poolWith(stack.client, org, 'edge-eu', ['gw-1', 'gw-2']);
  });
  afterAll(async () => {
    pump?.stop();
    await stack?.stop();
  });

  const events = (body: Record<string, unknown> = {}) => stack.client.ok<AuditEventsReply>(audit(org), body);
  const health = async (body: Record<string, unknown> = {}) =>
    (await events({ ...body, limit: 1000 })).events
      .filter((e) => e.type.startsWith('GatewayBecame'))
      .map((e) =>
        `${(e.data as { gatewayId: string }).gatewayId} ${e.type.slice('GatewayBecame'.length)} ${
          (e.data as { reason?: string }).reason ?? ''
        }`.trim(),
      );

  it('records each transition once with its reason, and publishes pool health that agrees with it', async () => {
    for (const gatewayId of ['gw-1', 'gw-2', 'gw-3']) pump.set(gatewayId, 'passed');
    await eventually(health, (h) => h.length === 3, { label: 'three gateways healthy' });
    allHealthyAt = new Date().toISOString();
    pump.set('gw-2', 'failed');
    pump.set('gw-3', 'silent');
    await eventually(health, (h) => h.length === 5, { timeoutMs: 8000, label: 'gw-2 failed, gw-3 expired' });
    // Several more heartbeats and ticks: still no new event, since nothing changed.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const recorded = await health();
    expect(recorded.slice(0, 3).sort()).toEqual(['gw-1 Healthy', 'gw-2 Healthy', 'gw-3 Healthy']);
    expect(recorded.slice(3).sort()).toEqual(['gw-2 Unhealthy check-failed', 'gw-3 Unhealthy heartbeat-expired']);

    const last = updates.filter((u) => u.poolId === poolId).at(-1);
    expect(last).toMatchObject({ status: 'yellow', healthy: 1, total: 2 });
  });

  it('records a deregistration of a healthy gateway, caused by the deregistering command', async () => {
    await stack.client.ok(cmd(org, 'gateway.deregister'), { gatewayId: 'gw-1' });
    await eventually(health, (h) => h.includes('gw-1 Unhealthy deregistered'), { label: 'gw-1 deregistered' });
    const { events: trail } = await events({ gatewayId: 'gw-1' });
    const deregistered = trail.find((e) => e.type === 'GatewayDeregistered');
    const unhealthy = trail.find((e) => e.type === 'GatewayBecameUnhealthy');
    expect(unhealthy?.correlationId).toBe(deregistered?.correlationId);
    expect(trail.map((e) => e.type)).toEqual([
      'GatewayRegistered',
      'PoolMemberAdded',
      'GatewayBecameHealthy',
      'GatewayDeregistered',
      'PoolMemberRemoved',
      'GatewayBecameUnhealthy',
    ]);
  });

  it("shows a pool's own events and its members' health under the pool, in log order, paged by position", async () => {
    const all = (await events({ poolId, limit: 1000 })).events;
    expect(all.map((e) => e.type)).toContain('PoolCreated');
    // gw-3 never was a member: its transitions do not show under the pool.
    expect(all.filter((e) => (e.data as { gatewayId?: string }).gatewayId === 'gw-3')).toEqual([]);
    expect(all.filter((e) => e.type === 'GatewayBecameUnhealthy').length).toBe(2);

    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 100; pages += 1) {
      const page = await events({ poolId, limit: 2, ...(after ? { after } : {}) });
      seen.push(...page.events.map((e) => e.position));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual(all.map((e) => e.position));
  });

  it('filters by time, both ends inclusive', async () => {
    const all = (await events({ limit: 1000 })).events;
    const middle = all[Math.floor(all.length / 2)];
    const since = (await events({ since: middle?.at, limit: 1000 })).events;
    expect(since.length).toBeGreaterThan(0);
    expect(since.every((e) => e.at >= (middle?.at ?? ''))).toBe(true);
    const until = (await events({ until: middle?.at, limit: 1000 })).events;
    expect(until.every((e) => e.at <= (middle?.at ?? ''))).toBe(true);
    expect(new Set([...since, ...until].map((e) => e.position)).size).toBe(all.length);
  });

  it('refuses hostile or malformed input with VALIDATION_FAILED and a clear message', async () => {
    const bodies: unknown[] = [
      { limit: 0 },
      { limit: 1.5 },
      { limit: '10' },
      { limit: 1_000_001 },
      { since: 'yesterday' },
      { since: '2026-12-01T10:00:00Z', until: '2026-11-01T10:00:00Z' },
      { after: 'x'.repeat(65) },
      { after: '99:99:99' },
      { after: null },
      { poolId: { $ne: null } },
      { gatewayId: '../etc' },
      JSON.parse('{"__proto__": {"limit": 5}}'),
      { extra: true },
      [],
    ];
    for (const body of bodies) {
      const reply = await stack.client.request(audit(org), body);
      expect([JSON.stringify(body), reply.ok ? 'ok' : reply.error.code]).toEqual([
        JSON.stringify(body),
        'VALIDATION_FAILED',
      ]);
    }
    const reply = await stack.client.request(audit(org), { after: '99:99:99' });
    expect(reply.ok ? '' : reply.error.message).toMatch(/after/);
  });

  it('answers pool.get and pool.list as of a past instant, from the log: members, names and health then', async () => {
    const then = await stack.client.ok<PoolDetails & { at: string }>(query(org, 'pool.get'), {
      poolId,
      at: allHealthyAt,
    });
    expect(then).toMatchObject({ poolId, name: 'edge-eu', status: 'green', healthy: 2, total: 2, at: allHealthyAt });
    expect(then.members.map((m) => [m.gatewayId, m.healthy, m.lastCheck])).toEqual([
      ['gw-1', true, 'passed'],
      ['gw-2', true, 'passed'],
    ]);
    const now = await stack.client.ok<PoolDetails>(query(org, 'pool.get'), { poolId });
    expect(now.members.map((m) => m.gatewayId)).toEqual(['gw-2']);

    const list = await stack.client.ok<{ pools: PoolSummary[] }>(query(org, 'pool.list'), { at: allHealthyAt });
    expect(list.pools).toEqual([{ poolId, name: 'edge-eu', status: 'green', healthy: 2, total: 2, consumerCount: 0 }]);
  });

  it('answers an instant before the org existed with no pools, and refuses one in the future or malformed', async () => {
    const before = '2000-01-01T00:00:00Z';
    expect(await stack.client.ok(query(org, 'pool.list'), { at: before })).toEqual({
      pools: [],
      at: '2000-01-01T00:00:00.000Z',
    });
    const missing = await stack.client.request(query(org, 'pool.get'), { poolId, at: before });
    expect(missing.ok ? 'ok' : missing.error.code).toBe('NOT_FOUND');
    const future = new Date(Date.now() + 3_600_000).toISOString();
    for (const body of [{ at: future }, { at: 'yesterday' }, { at: 1_700_000_000 }, { at: null }]) {
      const reply = await stack.client.request(query(org, 'pool.list'), body);
      expect([JSON.stringify(body), reply.ok ? 'ok' : reply.error.code]).toEqual([
        JSON.stringify(body),
        'VALIDATION_FAILED',
      ]);
    }
    const reply = await stack.client.request(query(org, 'pool.get'), { poolId, at: future });
    expect(reply.ok ? '' : reply.error.message).toMatch(/in the future/);
  });

  it("never shows another org's events", async () => {
    const reply = await stack.client.ok<AuditEventsReply>(audit('other-org'), {});
    expect(reply).toEqual({ events: [] });
  });
});
