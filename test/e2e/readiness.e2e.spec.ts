import { jest } from '@jest/globals';
import { freePort, pingService, type PostgresServer, startPostgres } from '@gwpool/launcher';
import { TestStack } from '@gwpool/testing';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { cmd } from './fleet.js';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Readyz {
  status: number;
  body: { ready: boolean; reasons?: string[]; checks: Record<string, string> };
}

async function readyz(base: string): Promise<Readyz | undefined> {
  try {
    const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) });
    return { status: res.status, body: (await res.json()) as Readyz['body'] };
  } catch {
    return undefined; // not listening yet
  }
}

async function until(base: string, accept: (r: Readyz) => boolean, timeoutMs = 30_000): Promise<Readyz> {
  const deadline = Date.now() + timeoutMs;
  let last: Readyz | undefined;
  while (Date.now() < deadline) {
    last = await readyz(base);
    if (last && accept(last)) return last;
    await sleep(100);
  }
  throw new Error(`readiness not reached within ${timeoutMs / 1000} s; last: ${JSON.stringify(last)}`);
}

/**
 * A PostgreSQL of the suite's own: holding a transaction open holds back every follower on the server (subscribers
 * read below the oldest running transaction), which must not slow the other suites' stacks.
 */
describe('readiness follows the log', () => {
  let dir: string;
  let postgres: PostgresServer;
  let stack: TestStack;
  let raw: pg.Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(process.env['GWPOOL_TEST_TMPDIR'] ?? tmpdir(), 'gwpool-ready-'));
    // As root, PostgreSQL runs as the postgres user, which must be able to enter it.
    chmodSync(dir, 0o711);
    postgres = await startPostgres({ dataDir: join(dir, 'postgres') });
    stack = await TestStack.start({ postgresUrl: postgres.url, env: { READY_MAX_LAG: '1s' } });
    raw = new pg.Client({ connectionString: stack.env.EVENT_STORE_URL });
    await raw.connect();
  });
  afterAll(async () => {
    await raw?.end();
    await stack?.stop();
    await postgres?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a transaction that appends one event and stays open: nothing committed after it can be read yet. */
  async function holdTheLog(org: string): Promise<void> {
    const event = {
      id: randomUUID(),
      type: 'GatewayRegistered',
      data: { gatewayId: 'gw-held' },
      metadata: { correlationId: 'held', causationId: 'held', occurredAt: new Date().toISOString() },
    };
    await raw.query('BEGIN');
    await raw.query('SELECT * FROM gwpool_log.append_events($1, $2, $3::jsonb)', [
      `gwpool-org-${org}`,
      'no_stream',
      JSON.stringify([event]),
    ]);
  }

  it('turns not ready while a follower is held behind the log, and ready again once it catches up', async () => {
    const routing = stack.httpOf(stack.service('routing-query'));
    const projector = stack.httpOf(stack.service('projector'));
    expect((await until(routing, () => true)).status).toBe(200);

    await holdTheLog('held-1');
    await stack.client.ok(cmd('acme', 'gateway.register'), { gatewayId: 'gw-1' });
    const behind = await until(routing, (r) => r.status === 503);
    expect(behind.body.ready).toBe(false);
    expect(behind.body.reasons).toEqual([
      expect.stringMatching(/^catalog: 1 events \(\d+\.\d s\) behind the log, over READY_MAX_LAG \(1\.0 s\)$/),
    ]);
    expect((await until(projector, (r) => r.status === 503)).body.checks['catalog']).toMatch(/behind the log/);

    await raw.query('COMMIT');
    expect((await until(routing, (r) => r.status === 200)).body).toEqual({
      ready: true,
      checks: { startup: 'ok', catalog: 'ok', 'liveness-nats': 'ok', nats: 'ok' },
    });
    expect((await until(projector, (r) => r.status === 200)).body.ready).toBe(true);
  });

  it('is not ready before a new instance has caught up with the log, and takes no request until then', async () => {
    await holdTheLog('held-2');
    await stack.client.ok(cmd('acme', 'gateway.register'), { gatewayId: 'gw-2' });
    const port = await freePort();
    const late = stack.add('routing-query', { METRICS_PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;

    const catchingUp = await until(
      base,
      (r) => (r.body.checks['catalog'] ?? 'catalog: loading') !== 'catalog: loading',
    );
    expect(catchingUp.status).toBe(503);
    expect(catchingUp.body.checks['startup']).toBe('startup: not taking requests yet');
    expect(catchingUp.body.checks['catalog']).toMatch(
      /^catalog: (catching up, 1 events \(\d+\.\d s\)|lag not measured yet)/,
    );
    await sleep(500);
    const pids = (await pingService(stack.client.nc, 'routing-query')).map((p) => p.metadata?.['pid']);
    expect(pids).not.toContain(String(late.pid));

    await raw.query('COMMIT');
    expect((await until(base, (r) => r.status === 200)).body.ready).toBe(true);
    await stack.waitReady(late);
  });
});
