import { jest } from '@jest/globals';
import type { PoolDetails } from '@gwpool/contracts';
import { eventually, Scrape, TestStack } from '@gwpool/testing';
import type { ServiceStats } from '@nats-io/services';
import { Empty } from '@nats-io/transport-node';
import { cmd, HeartbeatPump, heartbeat, query } from './fleet.js';

jest.setTimeout(120_000);

type Picked = { poolId: string; gatewayId: string; zone?: string; panic: boolean };

/** Two routing-query instances share the queries; every caller report must reach both. */
describe('routing beyond random, with two routing-query instances', () => {
  const org = 'acme';
  const gateways = ['gw-a', 'gw-b', 'gw-c'];
  let stack: TestStack;
  let pump: HeartbeatPump;

  beforeAll(async () => {
    stack = await TestStack.start({ routingQueryInstances: 2, env: { HEARTBEAT_INTERVAL: '2s' } });
    pump = new HeartbeatPump(stack.client, org);
    for (const gatewayId of gateways) {
      await stack.client.ok(cmd(org, 'gateway.register'), { gatewayId, zone: 'eu-1', tags: ['pci'] });
    }
  });
  afterAll(async () => {
    pump?.stop();
    await stack?.stop();
  });

  async function poolOf(name: string, settings: Record<string, unknown> = {}): Promise<string> {
    const { poolId } = await stack.client.ok<{ poolId: string }>(cmd(org, 'pool.create'), { name, ...settings });
    for (const gatewayId of gateways) await stack.client.ok(cmd(org, 'pool.member.add'), { poolId, gatewayId });
    for (const gatewayId of gateways) pump.set(gatewayId, 'passed');
    const pool = () => stack.client.ok<PoolDetails>(query(org, 'pool.get'), { poolId });
    // Both instances must know the pool: a pick of either must find three healthy members.
    await eventually(
      () => Promise.all(Array.from({ length: 12 }, pool)),
      (views) => views.every((v) => v.healthy === 3),
      { label: `${name} green on both instances` },
    );
    return poolId;
  }

  const pick = (body: Record<string, unknown>) => stack.client.request<Picked>(query(org, 'route.pick'), body);
  async function distribution(poolId: string, picks: number, body: Record<string, unknown> = {}) {
    const hits = new Map<string, number>();
    for (let i = 0; i < picks; i += 1) {
      const reply = await pick({ poolId, ...body });
      if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
      hits.set(reply.value.gatewayId, (hits.get(reply.value.gatewayId) ?? 0) + 1);
    }
    return hits;
  }
  const report = (poolId: string, gatewayId: string, outcome: 'ok' | 'failed') =>
    stack.client.request(`gwpool.v1.${org}.route.report`, { poolId, gatewayId, outcome });

  /** A routing metric summed over both instances. */
  async function routingMetric(name: string): Promise<number> {
    const scrapes = await Promise.all(
      stack.instances('routing-query').map((instance) => Scrape.of(`${stack.httpOf(instance)}/metrics`)),
    );
    return scrapes.reduce((sum, scrape) => sum + scrape.value(name), 0);
  }

  /** route.pick requests answered by each routing-query instance so far. */
  async function picksPerInstance(): Promise<number[]> {
    const replies = await stack.client.nc.requestMany('$SRV.STATS.routing-query', Empty, {
      strategy: 'timer',
      maxWait: 500,
    });
    const counts: number[] = [];
    for await (const msg of replies) {
      const stats = msg.json<ServiceStats>();
      counts.push(stats.endpoints?.find((e) => e.name === 'query-route-pick')?.num_requests ?? 0);
    }
    return counts;
  }

  it('cycles exactly with round-robin: each instance keeps its own cursor, so totals differ by at most two', async () => {
    const poolId = await poolOf('rr', { strategy: 'round-robin' });
    expect(await stack.client.ok(query(org, 'pool.get'), { poolId })).toMatchObject({ strategy: 'round-robin' });
    const counts = [...(await distribution(poolId, 300)).values()];
    expect(counts).toHaveLength(3);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(2);
  });

  it('sends few picks to the member reporting ten times the load with least-loaded, and shows the load with its age', async () => {
    const poolId = await poolOf('ll', { strategy: 'least-loaded' });
    pump.setLoad('gw-a', { activeConnections: 500, capacity: 100 });
    pump.setLoad('gw-b', { activeConnections: 50, capacity: 100 });
    pump.setLoad('gw-c', { activeConnections: 50, capacity: 100 });
    const details = await eventually(
      () => stack.client.ok<PoolDetails>(query(org, 'pool.get'), { poolId }),
      (p) => p.members.every((m) => m.load !== undefined),
      { label: 'loads shown' },
    );
    const gwA = details.members.find((m) => m.gatewayId === 'gw-a');
    expect(gwA?.load).toMatchObject({ activeConnections: 500, capacity: 100 });
    expect(gwA?.load?.ageMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(gwA?.load?.reportedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    const hits = await distribution(poolId, 300);
    expect(hits.get('gw-a') ?? 0).toBeLessThan(30);
    const listed = await stack.client.ok<{ gateways: { gatewayId: string; load?: unknown }[] }>(
      query(org, 'gateway.list'),
      {},
    );
    expect(listed.gateways.find((g) => g.gatewayId === 'gw-b')?.load).toMatchObject({ activeConnections: 50 });
  });

  it('ejects a member after three failed reports on every instance, shows it suspect, and an ok ends it', async () => {
    const poolId = await poolOf('ej');
    const before = await picksPerInstance();
    const ejectionsBefore = await routingMetric('gwpool_route_ejections_total');
    // Two as requests, answered {}, and one as a plain publish: each reaches one instance of the queue group.
    expect(await report(poolId, 'gw-a', 'failed')).toMatchObject({ ok: true, value: {} });
    stack.client.publish(`gwpool.v1.${org}.route.report`, { poolId, gatewayId: 'gw-a', outcome: 'failed' });
    expect(await report(poolId, 'gw-a', 'failed')).toMatchObject({ ok: true, value: {} });
    // Picks alternate between the instances at random: both must avoid the suspect from now on.
    await eventually(
      () => Promise.all(Array.from({ length: 10 }, () => pick({ poolId }))),
      (replies) => replies.every((r) => r.ok && r.value.gatewayId !== 'gw-a'),
      { label: 'gw-a avoided' },
    );
    const hits = await distribution(poolId, 200);
    expect(hits.get('gw-a')).toBeUndefined();
    // Both instances hold the ejection, having heard of the reports in their own orders; only the instance that took
    // the latest of the three counts it.
    expect(await routingMetric('gwpool_route_ejections_total')).toBe(ejectionsBefore + 1);
    const after = await picksPerInstance();
    expect(after).toHaveLength(2);
    after.forEach((count, i) => expect(count - (before[i] ?? 0)).toBeGreaterThan(20));
    const details = await stack.client.ok<PoolDetails>(query(org, 'pool.get'), { poolId });
    const suspect = details.members.find((m) => m.gatewayId === 'gw-a');
    expect(suspect).toMatchObject({ suspect: true });
    expect(Date.parse(suspect?.suspectUntil ?? '')).toBeGreaterThan(Date.now() + 20_000);

    expect(await report(poolId, 'gw-a', 'ok')).toMatchObject({ ok: true, value: {} });
    await eventually(
      () => distribution(poolId, 60),
      (h) => (h.get('gw-a') ?? 0) > 0,
      { label: 'gw-a back' },
    );
  });

  it('routes among suspects with panic: true when every member is suspect', async () => {
    const poolId = await poolOf('panic');
    const ejectionsBefore = await routingMetric('gwpool_route_ejections_total');
    const panicsBefore = await routingMetric('gwpool_route_panics_total');
    for (const gatewayId of gateways) for (let i = 0; i < 3; i += 1) await report(poolId, gatewayId, 'failed');
    const replies = await eventually(
      () => Promise.all(Array.from({ length: 20 }, () => pick({ poolId }))),
      (all) => all.every((r) => r.ok && r.value.panic),
      { label: 'panic on both instances' },
    );
    expect(new Set(replies.map((r) => r.ok && r.value.gatewayId)).size).toBeGreaterThan(1);
    expect(await routingMetric('gwpool_route_ejections_total')).toBe(ejectionsBefore + gateways.length);
    expect(await routingMetric('gwpool_route_panics_total')).toBeGreaterThanOrEqual(panicsBefore + replies.length);
  });

  it('honours exclude, and counts what was excluded when nothing is left', async () => {
    const poolId = await poolOf('ex');
    const hits = await distribution(poolId, 30, { exclude: ['gw-a', 'gw-b'] });
    expect([...hits.keys()]).toEqual(['gw-c']);
    const none = await pick({ poolId, exclude: gateways });
    expect(none.ok || none.error).toMatchObject({
      code: 'NO_HEALTHY_GATEWAY',
      message: "pool 'ex' has no healthy gateway (0/3 healthy, 3 excluded)",
    });
  });

  it('filters by requireTags, and answers NO_MATCHING_GATEWAY naming the tags when no member has them', async () => {
    const poolId = await poolOf('tags');
    expect((await pick({ poolId, requireTags: ['pci'] })).ok).toBe(true);
    const none = await pick({ poolId, requireTags: ['pci', 'gpu'] });
    expect(none.ok || none.error).toMatchObject({
      code: 'NO_MATCHING_GATEWAY',
      message: "pool 'tags' has no gateway with every tag of: pci, gpu",
    });
  });

  it('refuses hostile reports, picks and loads with VALIDATION_FAILED, and stays up after garbage publishes', async () => {
    const poolId = await poolOf('hostile');
    const subject = `gwpool.v1.${org}.route.report`;
    const bad: [string, Record<string, unknown>][] = [
      [subject, { poolId, gatewayId: 'gw-a', outcome: 'maybe' }],
      [subject, { poolId, gatewayId: 'gw-a', outcome: 'failed', detail: 'x'.repeat(300) }],
      [subject, { poolId, gatewayId: ['gw-a'], outcome: 'failed' }],
      [
        subject,
        JSON.parse('{"__proto__":{"outcome":"failed"},"poolId":"p","gatewayId":"g"}') as Record<string, unknown>,
      ],
      [query(org, 'route.pick'), { poolId, exclude: Array.from({ length: 33 }, (_, i) => `gw-${i}`) }],
      [query(org, 'route.pick'), { poolId, exclude: 'gw-a' }],
      [query(org, 'route.pick'), { poolId, key: '' }],
      [query(org, 'route.pick'), { poolId, key: 'k'.repeat(257) }],
      [query(org, 'route.pick'), { poolId, preferZone: 'eu 1' }],
      [query(org, 'route.pick'), { poolId, requireTags: [null] }],
      [query(org, 'route.resolve'), { consumerId: 'c', requireTags: 'pci' }],
      [cmd(org, 'pool.create'), { name: 'h1', strategy: 'fastest' }],
      [cmd(org, 'pool.create'), { name: 'h2', maxMembers: -1 }],
      [cmd(org, 'pool.create'), { name: 'h3', maxMembers: 2.5 }],
      [cmd(org, 'pool.update'), { poolId, maxMembers: '3' }],
      [cmd(org, 'gateway.register'), { gatewayId: 'gw-h', tags: ['ok', 'not ok'] }],
      [cmd(org, 'gateway.register'), { gatewayId: 'gw-h', tags: Array.from({ length: 17 }, (_, i) => `t${i}`) }],
      [cmd(org, 'gateway.drain'), { gatewayId: 'gw-a', draining: 'yes' }],
    ];
    for (const [to, body] of bad) {
      const reply = await stack.client.request(to, body);
      expect([to, reply.ok || reply.error.code]).toEqual([to, 'VALIDATION_FAILED']);
    }
    const unknown = await report(poolId, 'gw-nobody', 'failed');
    expect(unknown.ok || unknown.error.code).toBe('NOT_FOUND');
    for (const raw of ['not json', '[]', '{"poolId":7}', '']) stack.client.nc.publish(subject, raw);
    for (const load of [{ activeConnections: -1 }, { activeConnections: 1, capacity: 0 }, { capacity: 5 }, 'lots']) {
      const beat = await stack.client.request(heartbeat(org, 'gw-a'), { check: 'passed', load });
      expect(beat.ok && beat.value).toMatchObject({ accepted: false, reason: 'invalid' });
    }
    await stack.client.flush();
    expect((await pick({ poolId })).ok).toBe(true);
    expect(stack.processes.every((p) => p.running)).toBe(true);
    expect(stack.logs()).not.toMatch(/^\s+at /m);
  });
});
