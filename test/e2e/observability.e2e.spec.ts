import { jest } from '@jest/globals';
import { QUERY_SUBJECTS } from '@gwpool/contracts';
import type { ServiceName } from '@gwpool/launcher';
import { Scrape, TestStack } from '@gwpool/testing';
import type { ServiceIdentity, ServiceInfo } from '@nats-io/services';
import { Empty, headers, type Msg } from '@nats-io/transport-node';
import { cmd, heartbeat, poolWith, query, registerGateways } from './fleet.js';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/** Every line a process printed, parsed; a line that is not one JSON object fails the test. */
function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

describe('metrics, probes and JSON logs of the four services', () => {
  let stack: TestStack;
  const scrape = (name: ServiceName) => Scrape.of(`${stack.httpOf(stack.service(name))}/metrics`);

  beforeAll(async () => {
    stack = await TestStack.start({ env: { LOG_FORMAT: 'json' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('serves /metrics on every service, and the counters move with real traffic', async () => {
    const { client } = stack;
    await registerGateways(client, 'acme', ['gw-1', 'gw-2']);
    const poolId = await poolWith(client, 'acme', 'edge-eu', ['gw-1', 'gw-2']);
    const before = {
      routing: await scrape('routing-query'),
      ingest: await scrape('heartbeat-ingest'),
      command: await scrape('pool-command'),
    };
    for (const gatewayId of ['gw-1', 'gw-2']) client.publish(heartbeat('acme', gatewayId), { check: 'passed' });
    client.publish(heartbeat('acme', 'gw-stranger'), { check: 'passed' });
    // Only once gw-1's valid heartbeat is processed: a newer one of the same gateway would supersede it while queued.
    await eventually('valid heartbeats counted', async () =>
      (await scrape('heartbeat-ingest')).value('gwpool_heartbeats_accepted_total') >=
      before.ingest.value('gwpool_heartbeats_accepted_total') + 2
        ? true
        : undefined,
    );
    client.publish(heartbeat('acme', 'gw-1'), { check: 'maybe' });
    await client.flush();
    await eventually('route.pick answers', async () =>
      (await client.request(query('acme', 'route.pick'), { poolId })).ok ? true : undefined,
    );
    for (let i = 0; i < 5; i += 1) await client.ok(query('acme', 'route.pick'), { poolId });
    expect((await client.request(query('acme', 'route.pick'), { poolId: 'no-such-pool' })).ok).toBe(false);
    await client.ok(cmd('acme', 'pool.update'), { poolId, description: 'EU edge' });
    expect((await client.request(cmd('acme', 'pool.create'), { name: 'edge-eu' })).ok).toBe(false);

    const pick = { subject: QUERY_SUBJECTS.routePick };
    const routing = await scrape('routing-query');
    expect(routing.value('gwpool_requests_total', { ...pick, code: 'OK' })).toBeGreaterThanOrEqual(
      before.routing.value('gwpool_requests_total', { ...pick, code: 'OK' }) + 6,
    );
    expect(routing.value('gwpool_requests_total', { ...pick, code: 'NOT_FOUND' })).toBe(
      before.routing.value('gwpool_requests_total', { ...pick, code: 'NOT_FOUND' }) + 1,
    );
    // Subjects are patterns: no series names an org.
    const subjects = routing.samples('gwpool_requests_total').map((s) => s.labels?.['subject'] ?? '');
    expect(subjects.filter((subject) => subject.includes('acme'))).toEqual([]);
    expect(routing.family('gwpool_request_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(routing.value('gwpool_log_events_applied_total', { follower: 'catalog' })).toBeGreaterThanOrEqual(5);

    const ingest = await eventually('heartbeats counted', async () => {
      const now = await scrape('heartbeat-ingest');
      return now.value('gwpool_heartbeats_dropped_total', { reason: 'invalid' }) >
        before.ingest.value('gwpool_heartbeats_dropped_total', { reason: 'invalid' })
        ? now
        : undefined;
    });
    expect(ingest.value('gwpool_heartbeats_accepted_total')).toBeGreaterThanOrEqual(
      before.ingest.value('gwpool_heartbeats_accepted_total') + 2,
    );
    expect(ingest.value('gwpool_heartbeats_dropped_total', { reason: 'unregistered' })).toBe(
      before.ingest.value('gwpool_heartbeats_dropped_total', { reason: 'unregistered' }) + 1,
    );
    expect(ingest.value('gwpool_heartbeat_batch_size')).toBeGreaterThan(
      before.ingest.value('gwpool_heartbeat_batch_size'),
    );

    const command = await scrape('pool-command');
    expect(command.value('gwpool_commands_appended_total')).toBe(
      before.command.value('gwpool_commands_appended_total') + 1,
    );
    expect(command.value('gwpool_events_appended_total', { type: 'PoolMemberAdded' })).toBe(2);
    expect(command.value('gwpool_requests_total', { code: 'CONFLICT' })).toBe(1);

    const projector = await eventually('pool gauges of the projector', async () => {
      const now = await scrape('projector');
      return now.value('gwpool_pools', { org: 'acme', status: 'green' }) === 1 ? now : undefined;
    });
    expect(projector.value('gwpool_pool_members', { org: 'acme' })).toBe(2);
    expect(projector.value('gwpool_pool_members_healthy', { org: 'acme' })).toBe(2);
    for (const follower of ['catalog', 'views']) {
      expect(projector.samples('gwpool_log_lag_events', { follower })).toHaveLength(1);
      expect(projector.samples('gwpool_log_lag_seconds', { follower })).toHaveLength(1);
    }

    for (const name of ['projector', 'pool-command', 'heartbeat-ingest', 'routing-query'] as const) {
      const metrics = await scrape(name);
      expect([name, metrics.value('gwpool_ready', { service: name })]).toEqual([name, 1]);
      expect(metrics.family('process_cpu_user_seconds_total')).toBeDefined();
      expect(metrics.family('nodejs_eventloop_lag_seconds')).toBeDefined();
      const base = stack.httpOf(stack.service(name));
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect([name, ready.status]).toEqual([name, 200]);
    }
  });

  it('lists all four on $SRV.PING with their metrics port, and describes each on $SRV.INFO', async () => {
    const pings: ServiceIdentity[] = [];
    for await (const msg of await stack.client.nc.requestMany('$SRV.PING', Empty, { strategy: 'timer', maxWait: 500 }))
      pings.push(msg.json<ServiceIdentity>());
    expect(pings.map((p) => p.name).sort()).toEqual(['heartbeat-ingest', 'pool-command', 'projector', 'routing-query']);
    for (const ping of pings) {
      const port = ping.metadata?.['metrics_port'];
      expect(stack.httpOf(stack.service(ping.name as ServiceName))).toBe(`http://127.0.0.1:${port}`);
    }
    const info = (await stack.client.nc.request('$SRV.INFO.routing-query', Empty)).json<ServiceInfo>();
    expect(info.description).toBe('answers queries and route picks from memory');
  });

  it('ties one command to its events, the projector’s writes and the health update by its correlation id', async () => {
    const { client } = stack;
    const correlationId = `trace-me-${Date.now()}`;
    const updates: Msg[] = [];
    const sub = client.nc.subscribe('gwpool.v1.acme.health.*', { callback: (_e, msg) => void updates.push(msg) });
    const h = headers();
    h.set('Gwpool-Correlation-Id', correlationId);
    h.set('traceparent', TRACEPARENT);
    const reply = await client.nc.request(cmd('acme', 'pool.create'), JSON.stringify({ name: 'traced' }), {
      headers: h,
      timeout: 5000,
    });
    const { poolId } = reply.json<{ poolId: string }>();
    const update = await eventually('the new pool’s health update', async () =>
      updates.find((msg) => msg.subject.endsWith(poolId)),
    );
    sub.unsubscribe();
    expect(update.headers?.get('Gwpool-Correlation-Id')).toBe(correlationId);
    expect(update.headers?.get('traceparent')).toBe(TRACEPARENT);

    const lines = (name: ServiceName) =>
      jsonLines(stack.service(name).logs()).filter((line) => line['correlationId'] === correlationId);
    const command = lines('pool-command');
    const projector = await eventually('the projector’s log lines', async () => {
      const found = lines('projector');
      return found.some((line) => String(line['message']).startsWith('published health')) ? found : undefined;
    });
    expect(command).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'pool-command',
        org: 'acme',
        traceparent: TRACEPARENT,
        message: expect.stringMatching(/^appended PoolCreated to gwpool-org-acme at revision \d+$/),
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      }),
    ]);
    expect(projector.map((line) => line['message'])).toEqual([
      expect.stringMatching(/^catalog: applied PoolCreated gwpool-org-acme@\d+ at position /),
      `published health of pool 'traced' (${poolId}): red 0/0`,
    ]);
    expect(projector.every((line) => line['org'] === 'acme' && line['traceparent'] === TRACEPARENT)).toBe(true);
  });

  it('writes nothing but JSON objects with level, time, service and message', () => {
    for (const process of stack.processes) {
      const lines = jsonLines(process.logs());
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).toEqual(
          expect.objectContaining({ level: expect.any(String), time: expect.any(String), service: process.name }),
        );
        expect(typeof line['message']).toBe('string');
      }
    }
  });
});
