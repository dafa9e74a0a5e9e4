// `gwpool projections rebuild` run as an operator runs it, against the real stack with a standby projector: the views
// are rebuilt from the log into a new namespace, equal to the live ones, the readers swap over, and route.pick
// answers throughout without a single error.
import { jest } from '@jest/globals';
import type { RebuildProgress } from '@gwpool/contracts';
import type { ReadModelStore } from '@gwpool/read-model';
import { openReadModel } from '@gwpool/storage';
import { eventually, TestStack } from '@gwpool/testing';
import { ANSI, gwpool, gwpoolInTerminal, STACK_LINE } from './cli-runner.js';
import { cmd, HeartbeatPump, poolWith, projectorStatuses, query, registerGateways } from './fleet.js';
import { rawRequest } from './hostile.js';
import { snapshotOf } from './views.js';

jest.setTimeout(180_000);

const org = 'rebuild';
const other = 'rebuild-other';
const REBUILD = 'gwpool.v1.admin.projections.rebuild';

interface Status {
  role: string;
  namespace: string;
  appliedPosition: string | null;
  storedPosition: string | null;
}

const statuses = (stack: TestStack) => projectorStatuses<Status>(stack.client);

/** route.pick as fast as one caller can send it, keeping every failure: an error reply or no reply at all. */
function startPicking(stack: TestStack, poolId: string) {
  const failures: string[] = [];
  let picks = 0;
  let picking = true;
  const loop = (async () => {
    while (picking) {
      try {
        const reply = await stack.client.request(query(org, 'route.pick'), { poolId }, { timeoutMs: 2000 });
        if (reply.ok) picks += 1;
        else failures.push(`${reply.error.code}: ${reply.error.message}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
  })();
  return {
    async stop() {
      picking = false;
      await loop;
      return { picks, failures };
    },
  };
}

describe('gwpool projections rebuild', () => {
  let stack: TestStack;
  let pump: HeartbeatPump;
  let env: Record<string, string>;
  let base: ReadModelStore;
  let poolId: string;

  beforeAll(async () => {
    stack = await TestStack.start({ heartbeatTtl: '3s' });
    // A standby projector, which must follow the swap too.
    await stack.waitReady(stack.add('projector'));
    env = { NATS_URL: stack.env.NATS_URL };
    base = await openReadModel(stack.env.READ_MODEL_URL, 'gwpool');
    pump = new HeartbeatPump(stack.client, org);
    // A history touching every collection: gateways, pools with members, a deleted pool, consumers, a second org.
    await registerGateways(stack.client, org, ['gw-1', 'gw-2', 'gw-3', 'gw-4']);
    poolId = await poolWith(stack.client, org, 'edge', ['gw-1', 'gw-2', 'gw-3']);
    const spare = await poolWith(stack.client, org, 'spare', ['gw-4']);
    await stack.client.ok(cmd(org, 'pool.member.remove'), { poolId: spare, gatewayId: 'gw-4' });
    await stack.client.ok(cmd(org, 'pool.delete'), { poolId: spare });
    await stack.client.ok(cmd(org, 'pool.update'), { poolId, description: 'the edge' });
    for (const id of ['gw-1', 'gw-2', 'gw-3', 'gw-4']) pump.set(id, 'passed');
    await eventually(
      () => stack.client.request(query(org, 'route.pick'), { poolId }),
      (reply) => reply.ok,
      { label: 'the pool routes' },
    );
    await stack.client.ok(cmd(org, 'consumer.attach'), { consumerId: 'pam-1', consumerType: 'pam', poolId });
    await stack.client.ok(cmd(org, 'consumer.attach'), {
      consumerId: 'db-1',
      consumerType: 'dynamic-secret',
      gatewayId: 'gw-4',
    });
    await stack.client.ok(cmd(org, 'consumer.detach'), { consumerId: 'db-1' });
    await stack.client.ok(cmd(org, 'gateway.deregister'), { gatewayId: 'gw-4' });
    await registerGateways(stack.client, other, ['gw-a']);
    await poolWith(stack.client, other, 'solo', ['gw-a']);
  });
  afterAll(async () => {
    pump?.stop();
    await base?.close();
    await stack?.stop();
  });

  it('rebuilds the views into a new namespace equal to the live ones and swaps, route.pick never failing', async () => {
    const live = await eventually(
      () => statuses(stack),
      (s) => s.length === 2 && s.some((x) => x.role === 'active' && x.storedPosition === x.appliedPosition),
      { label: 'the live views are stored' },
    );
    expect(live.map((s) => s.namespace)).toEqual(['gwpool', 'gwpool']);
    const picking = startPicking(stack, poolId);

    const run = await gwpool(['projections', 'rebuild', '--json'], env);

    const { picks, failures } = await picking.stop();
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(run.code).toBe(0);
    const done = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as RebuildProgress;
    expect(done).toMatchObject({ state: 'done', namespace: 'gwpool_r1', previousNamespace: 'gwpool', generation: 1 });
    expect(done.eventsReplayed).toBeGreaterThanOrEqual(15);
    expect(done.eventsPerSecond).toBeGreaterThan(0);
    expect(done.seconds).toBeGreaterThan(0);
    expect(failures).toEqual([]);
    expect(picks).toBeGreaterThan(0);

    // No command ran since the live views were stored: the rebuilt views must be the same docs at the same position.
    const [before, rebuilt] = await Promise.all([
      snapshotOf(stack.env.READ_MODEL_URL, 'gwpool'),
      snapshotOf(stack.env.READ_MODEL_URL, 'gwpool_r1'),
    ]);
    expect(rebuilt.position).not.toBeNull();
    expect(rebuilt.position).toBe(before.position);
    expect(done.position).toBe(before.position);
    expect(new Set(rebuilt.docs.map((d) => d.collection))).toEqual(new Set(['orgs', 'pools', 'gateways', 'consumers']));
    expect(new Set(rebuilt.docs.map((d) => d.org))).toEqual(new Set([org, other]));
    expect(rebuilt.docs).toEqual(before.docs);
    // Liveness is not in the log: it went along.
    const rebuiltStore = await openReadModel(stack.env.READ_MODEL_URL, 'gwpool_r1');
    try {
      expect((await rebuiltStore.loadLiveness({ org })).map((r) => r.gatewayId)).toEqual([
        'gw-1',
        'gw-2',
        'gw-3',
        'gw-4',
      ]);
    } finally {
      await rebuiltStore.close();
    }
    expect(await base.readViewsPointer()).toEqual({ namespace: 'gwpool_r1', generation: 1 });
  });

  it('writes on into the new views, with both projectors on them and one writer, the old ones left as they were', async () => {
    const frozen = await snapshotOf(stack.env.READ_MODEL_URL, 'gwpool');
    const found = await eventually(
      () => statuses(stack),
      (s) => s.length === 2 && s.every((x) => x.namespace === 'gwpool_r1') && s.some((x) => x.role === 'active'),
      { label: 'both projectors on the new views' },
    );
    expect(found.map((s) => s.role).sort()).toEqual(['active', 'standby']);

    const { position } = await stack.client.ok<{ position: string }>(cmd(org, 'gateway.register'), {
      gatewayId: 'gw-5',
      name: 'Gateway gw-5',
      zone: 'eu-1',
    });
    await eventually(
      () => snapshotOf(stack.env.READ_MODEL_URL, 'gwpool_r1'),
      (s) => s.position === position && s.docs.some((d) => d.collection === 'gateways' && d.id === 'gw-5'),
      { label: 'the new gateway stored in the new views' },
    );
    expect(await snapshotOf(stack.env.READ_MODEL_URL, 'gwpool')).toEqual(frozen);
  });

  it('starts routing-query again on the new views', async () => {
    const routing = stack.service('routing-query');
    await routing.stop('SIGTERM');
    await stack.restart(routing);
    const reply = await eventually(
      () => stack.client.request(query(org, 'route.pick'), { poolId }),
      (r) => r.ok,
      { label: 'the restarted routing-query picks' },
    );
    expect(reply.ok).toBe(true);
    expect(routing.logs()).toContain("reading the views in 'gwpool_r1'");
  });

  it('rebuilds again while commands run, and the views it leaves equal a projection from scratch', async () => {
    let commands = 0;
    let running = true;
    const writing = (async () => {
      while (running) {
        await stack.client.ok(cmd(org, 'pool.update'), { poolId, description: `edit ${commands}` });
        commands += 1;
      }
    })();
    const run = await gwpoolInTerminal(['projections', 'rebuild'], env);
    running = false;
    await writing;

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(ANSI);
    // The progress line, drawn in place on the terminal (cleared when done).
    expect(run.stdout).toMatch(/replaying events \d+\/\d+/);
    expect(run.stdout).toContain('\r\u001b[2Kreplaying events');
    expect(run.stdout).toContain('the views into');
    expect(run.stdout).toContain('gwpool_r2');
    expect(run.stdout).toContain('the previous views are left in gwpool_r1');
    expect(commands).toBeGreaterThan(0);

    const fresh = `fresh_${Date.now()}`;
    const scratch = stack.add('projector', { READ_MODEL_NAMESPACE: fresh });
    try {
      const [active, fromScratch] = await eventually(
        () =>
          Promise.all([snapshotOf(stack.env.READ_MODEL_URL, 'gwpool_r2'), snapshotOf(stack.env.READ_MODEL_URL, fresh)]),
        ([a, b]) => a.position !== null && a.position === b.position,
        { timeoutMs: 30_000, intervalMs: 250, label: 'a projection from scratch caught up' },
      );
      expect(active.docs).toEqual(fromScratch.docs);
    } finally {
      await scratch.stop('SIGTERM');
    }
  });

  it('refuses bad bodies with VALIDATION_FAILED and starts nothing', async () => {
    for (const payload of ['[]', '"x"', '{"x":1}', '{"__proto__":null}', 'not json', `{"${'k'.repeat(70_000)}":1}`]) {
      const reply = await rawRequest(stack, REBUILD, payload);
      expect(reply.error?.code).toBe('VALIDATION_FAILED');
      expect(reply.headers?.get('Nats-Service-Error-Code')).toBe('400');
    }
    expect(await base.readViewsPointer()).toEqual({ namespace: 'gwpool_r2', generation: 2 });
  });

  it('refuses a second rebuild while one runs, with CONFLICT', async () => {
    const first = await stack.client.request<{ rebuildId: string }>(REBUILD, {});
    const second = await stack.client.request(REBUILD, {});
    expect(first.ok).toBe(true);
    expect(second.ok ? undefined : second.error.code).toBe('CONFLICT');
    await eventually(
      () => base.readViewsPointer(),
      (p) => p?.namespace === 'gwpool_r3',
      { timeoutMs: 30_000, label: 'the first rebuild swapped' },
    );
  });
});
