import { jest } from '@jest/globals';
import type { PoolDetails } from '@gwpool/contracts';
import { eventually, TestStack } from '@gwpool/testing';
import { cmd, HeartbeatPump, query } from './fleet.js';

jest.setTimeout(120_000);

type Picked = { poolId: string; gatewayId: string; zone?: string; panic: boolean };

/** Drain, zones, pinning and capacity, through two routing-query instances. */
describe('where a pick lands: drain, zones, pinning and capacity', () => {
  const org = 'acme';
  const zones: Record<string, string> = { 'gw-1': 'eu-1a', 'gw-2': 'eu-1a', 'gw-3': 'eu-1b', 'gw-4': 'eu-1b' };
  const gateways = Object.keys(zones);
  let stack: TestStack;
  let pump: HeartbeatPump;

  beforeAll(async () => {
    stack = await TestStack.start({ routingQueryInstances: 2, heartbeatTtl: '2s' });
    pump = new HeartbeatPump(stack.client, org);
    for (const gatewayId of gateways) {
      await stack.client.ok(cmd(org, 'gateway.register'), { gatewayId, zone: zones[gatewayId] });
    }
  });
  afterAll(async () => {
    pump?.stop();
    await stack?.stop();
  });

  const get = (poolId: string) => stack.client.ok<PoolDetails>(query(org, 'pool.get'), { poolId });
  async function poolOf(name: string, members = gateways): Promise<string> {
    const { poolId } = await stack.client.ok<{ poolId: string }>(cmd(org, 'pool.create'), { name });
    for (const gatewayId of members) await stack.client.ok(cmd(org, 'pool.member.add'), { poolId, gatewayId });
    for (const gatewayId of members) pump.set(gatewayId, 'passed');
    await eventually(
      () => Promise.all(Array.from({ length: 12 }, () => get(poolId))),
      (views) => views.every((v) => v.healthy === members.length),
      { label: `${name} green on both instances` },
    );
    return poolId;
  }
  const pick = (body: Record<string, unknown>) => stack.client.request<Picked>(query(org, 'route.pick'), body);
  async function picked(poolId: string, picks: number, body: Record<string, unknown> = {}): Promise<Set<string>> {
    const seen = new Set<string>();
    for (let i = 0; i < picks; i += 1) {
      const reply = await pick({ poolId, ...body });
      if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
      seen.add(reply.value.gatewayId);
    }
    return seen;
  }
  /** Until every one of `count` picks (spread over both instances) passes. */
  const settled = (poolId: string, body: Record<string, unknown>, accept: (p: Picked) => boolean, label: string) =>
    eventually(
      () => Promise.all(Array.from({ length: 16 }, () => pick({ poolId, ...body }))),
      (replies) => replies.every((r) => r.ok && accept(r.value)),
      { label },
    );

  it('gives no new picks to a draining gateway while others are usable, and shows it draining', async () => {
    const poolId = await poolOf('drain', ['gw-1', 'gw-2']);
    expect(await stack.client.ok(cmd(org, 'gateway.drain'), { gatewayId: 'gw-1', draining: true })).toEqual({
      gatewayId: 'gw-1',
      draining: true,
      position: expect.any(String),
    });
    await settled(poolId, {}, (p) => p.gatewayId === 'gw-2', 'gw-1 drained on both instances');
    expect([...(await picked(poolId, 60))]).toEqual(['gw-2']);
    const view = await get(poolId);
    expect(view.members.find((m) => m.gatewayId === 'gw-1')).toMatchObject({ draining: true, healthy: true });
    // Draining only prefers: with gw-2 excluded, gw-1 still takes the pick.
    expect((await pick({ poolId, exclude: ['gw-2'] })).ok).toBe(true);
    await stack.client.ok(cmd(org, 'gateway.drain'), { gatewayId: 'gw-1', draining: false });
    await eventually(() => picked(poolId, 40), (seen) => seen.has('gw-1'), { label: 'gw-1 back' });
  });

  it('prefers a zone while it has a usable member, says which zone, and falls back when the zone goes down', async () => {
    const poolId = await poolOf('zones');
    const inZone = await settled(poolId, { preferZone: 'eu-1b' }, (p) => p.zone === 'eu-1b', 'eu-1b preferred');
    expect(new Set(inZone.map((r) => r.ok && r.value.gatewayId))).toEqual(new Set(['gw-3', 'gw-4']));
    pump.set('gw-3', 'silent');
    pump.set('gw-4', 'silent');
    await settled(poolId, { preferZone: 'eu-1b' }, (p) => p.zone === 'eu-1a', 'fallback to eu-1a');
    pump.set('gw-3', 'passed');
    pump.set('gw-4', 'passed');
    await settled(poolId, { preferZone: 'eu-1b' }, (p) => p.zone === 'eu-1b', 'eu-1b back');
  });

  it('pins a key to one gateway on every instance, and moves only the keys of a removed member', async () => {
    const poolId = await poolOf('pins');
    const keys = Array.from({ length: 60 }, (_, i) => `session-${i}`);
    const pinOf = async (key: string) => {
      const seen = await picked(poolId, 6, { key });
      expect(seen.size).toBe(1);
      return [...seen][0] as string;
    };
    const before = new Map<string, string>();
    for (const key of keys) before.set(key, await pinOf(key));
    expect(new Set(before.values()).size).toBeGreaterThan(2);
    await stack.client.ok(cmd(org, 'pool.member.remove'), { poolId, gatewayId: 'gw-2' });
    await eventually(
      () => Promise.all(Array.from({ length: 12 }, () => get(poolId))),
      (views) => views.every((v) => v.total === 3),
      { label: 'gw-2 gone on both instances' },
    );
    for (const key of keys) {
      const after = await pinOf(key);
      if (before.get(key) === 'gw-2') expect(after).not.toBe('gw-2');
      else expect([key, after]).toEqual([key, before.get(key)]);
    }
  });

  it('refuses a member past maxMembers with CONFLICT naming the limit, and removes nobody when it is lowered', async () => {
    const { poolId } = await stack.client.ok<{ poolId: string }>(cmd(org, 'pool.create'), {
      name: 'capped',
      strategy: 'round-robin',
      maxMembers: 2,
    });
    for (const gatewayId of ['gw-1', 'gw-2']) await stack.client.ok(cmd(org, 'pool.member.add'), { poolId, gatewayId });
    const full = await stack.client.request(cmd(org, 'pool.member.add'), { poolId, gatewayId: 'gw-3' });
    expect(full.ok || full.error).toMatchObject({
      code: 'CONFLICT',
      message: "pool 'capped' is full: it allows at most 2 members and has 2",
    });
    expect(await stack.client.ok(cmd(org, 'pool.update'), { poolId, maxMembers: 1 })).toMatchObject({
      maxMembers: 1,
      strategy: 'round-robin',
    });
    const view = await eventually(() => get(poolId), (v) => v.maxMembers === 1, { label: 'limit lowered' });
    expect(view).toMatchObject({ total: 2, maxMembers: 1, overCapacity: 1 });
    await stack.client.ok(cmd(org, 'pool.update'), { poolId, maxMembers: 0 });
    await stack.client.ok(cmd(org, 'pool.member.add'), { poolId, gatewayId: 'gw-3' });
    const lifted = await eventually(() => get(poolId), (v) => v.total === 3, { label: 'limit lifted' });
    expect(lifted.maxMembers).toBeUndefined();
  });
});
