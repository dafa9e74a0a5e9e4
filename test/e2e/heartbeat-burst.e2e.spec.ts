import { jest } from '@jest/globals';
import { eventually, TestStack } from '@gwpool/testing';
import { cmd, heartbeat, query } from './fleet.js';

jest.setTimeout(120_000);

interface Stats {
  received: number;
  accepted: number;
  unregistered: number;
  invalid: number;
  shed: number;
  queued: number;
  kept: number;
}

interface Connz {
  connections?: { cid: number; name?: string }[];
}

const GATEWAYS = Array.from({ length: 300 }, (_, i) => `gw-${i}`);
// A cap far below the burst, so that this machine, however busy, cannot keep up and must shed.
const MAX_RATE = 2000;
const MAX_QUEUED = 5000;
const TTL_MS = 4000;

describe('a heartbeat burst far beyond what heartbeat-ingest may process', () => {
  const org = 'burst';
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.start({
      heartbeatTtl: `${TTL_MS / 1000}s`,
      env: { INGEST_MAX_RATE: String(MAX_RATE), INGEST_MAX_QUEUED: String(MAX_QUEUED) },
    });
    for (const gatewayId of GATEWAYS) await stack.client.ok(cmd(org, 'gateway.register'), { gatewayId });
  });
  afterAll(() => stack?.stop());

  const stats = () => stack.client.ok<Stats>('gwpool.v1.admin.heartbeat-ingest.stats', {});
  const monitor = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${stack.nats.monitorUrl}${path}`)).json()) as T;
  const ingestConnection = async () =>
    (await monitor<Connz>('/connz?limit=1024')).connections?.find((c) => c.name === 'heartbeat-ingest')?.cid;

  const gatewayList = () =>
    stack.client.ok<{ gateways: { gatewayId: string; healthy: boolean; lastHeartbeatAt: string }[] }>(
      query(org, 'gateway.list'),
      {},
    );
  /** The stats once at least `sent` more heartbeats than `before` were received and none waits. */
  const dealtWith = (before: Stats, sent: number) =>
    eventually(
      () => stats(),
      (s) => s.received - before.received >= sent && s.queued === 0,
      { timeoutMs: 30_000, label: 'every heartbeat sent received and dealt with' },
    );
  const allHealthy = () =>
    eventually(
      async () => {
        for (const gatewayId of GATEWAYS) stack.client.publish(heartbeat(org, gatewayId), { check: 'passed' });
        return gatewayList();
      },
      (r) => r.gateways.length === GATEWAYS.length && r.gateways.every((g) => g.healthy),
      { timeoutMs: 30_000, intervalMs: 500, label: 'every gateway healthy' },
    );

  it('sheds and counts what it cannot process, stays connected, and keeps every gateway healthy', async () => {
    // Every gateway known to heartbeat-ingest and healthy before the burst.
    await allHealthy();
    const cid = await ingestConnection();
    const before = await stats();
    const slowBefore = (await monitor<{ slow_consumers: number }>('/varz')).slow_consumers;

    // About 20,000 heartbeats a second for 3 s, ten times the cap, each gateway beating many times a second.
    let sent = 0;
    const started = Date.now();
    while (Date.now() - started < 3000) {
      const due = Math.floor(((Date.now() - started) / 1000) * 20_000);
      for (; sent < due; sent += 1)
        stack.client.publish(heartbeat(org, GATEWAYS[sent % GATEWAYS.length] as string), { check: 'passed' });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await stack.client.flush();

    const after = await dealtWith(before, sent);
    const delta = (key: keyof Stats) => after[key] - before[key];
    expect(delta('shed')).toBeGreaterThan(0);
    // Every heartbeat received is accounted for exactly once: processed, dropped as invalid or unregistered, or shed.
    expect(delta('accepted') + delta('shed') + delta('invalid') + delta('unregistered')).toBe(
      delta('received') + before.queued,
    );
    expect(delta('accepted')).toBeLessThan(sent);
    expect(delta('invalid') + delta('unregistered')).toBe(0);
    expect(await ingestConnection()).toBe(cid);
    expect((await monitor<{ slow_consumers: number }>('/varz')).slow_consumers).toBe(slowBefore);
    // What was kept of each gateway is its newest heartbeat: all of them are still healthy and routable.
    const list = await gatewayList();
    expect(list.gateways.filter((g) => !g.healthy)).toEqual([]);
    for (const gateway of list.gateways) expect(Date.parse(gateway.lastHeartbeatAt)).toBeGreaterThanOrEqual(started);
    expect(stack.service('heartbeat-ingest').logs()).toMatch(/shedding heartbeats/);
  });

  it('keeps the gateways it kept alive healthy through a flood of heartbeats from gateways it does not know', async () => {
    await allHealthy();
    const cid = await ingestConnection();
    const before = await stats();
    const unhealthySeen = new Set<string>();
    let samples = 0;

    // For three TTLs: the fleet beats every second as usual, while 8,000 heartbeats a second of never-seen gateway
    // ids (four times the processing cap) fill the queue to its limit.
    let forged = 0;
    let lastBeat = 0;
    let lastSample = 0;
    const started = Date.now();
    while (Date.now() - started < 3 * TTL_MS) {
      const now = Date.now();
      const due = Math.floor(((now - started) / 1000) * 8000);
      for (; forged < due; forged += 1) stack.client.publish(heartbeat(org, `forged-${forged}`), { check: 'passed' });
      if (now - lastBeat >= 1000) {
        lastBeat = now;
        for (const gatewayId of GATEWAYS) stack.client.publish(heartbeat(org, gatewayId), { check: 'passed' });
      }
      if (now - lastSample >= 500 && now - started > TTL_MS) {
        lastSample = now;
        samples += 1;
        for (const g of (await gatewayList()).gateways) if (!g.healthy) unhealthySeen.add(g.gatewayId);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await stack.client.flush();

    const after = await dealtWith(before, forged);
    // Under the old arrival order, the fleet's heartbeats were shed with the flood's and every gateway expired.
    expect(samples).toBeGreaterThan(5);
    expect([...unhealthySeen]).toEqual([]);
    expect(after.shed - before.shed).toBeGreaterThan(0);
    expect(after.unregistered - before.unregistered).toBeGreaterThan(0);
    expect(after.kept).toBeGreaterThanOrEqual(GATEWAYS.length);
    expect(await ingestConnection()).toBe(cid);
  });
});
