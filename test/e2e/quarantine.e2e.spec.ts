import { jest } from '@jest/globals';
import { orgStreamId } from '@gwpool/domain';
import { PostgresEventLog } from '@gwpool/event-log-postgres';
import { catalogsFromDocs } from '@gwpool/catalog-docs';
import { openReadModel } from '@gwpool/storage';
import { eventually, TestStack } from '@gwpool/testing';
import { randomUUID } from 'node:crypto';
import { cmd, poolWith, query, registerGateways } from './fleet.js';
import { validCommandStillReachesViews } from './hostile.js';

jest.setTimeout(180_000);

type Status = { appliedPosition: string; storedPosition: string; quarantine: { count: number; events: unknown[] } };

/** The catalogs a projector stored in a namespace, as readers would load them. */
async function storedCatalogs(url: string, namespace: string) {
  const store = await openReadModel(url, namespace);
  try {
    const snapshot = await store.loadSnapshot('projector');
    const catalogs = new Map([...catalogsFromDocs(snapshot.docs)].map(([org, { catalog }]) => [org, catalog]));
    return { position: snapshot.position, catalogs };
  } finally {
    await store.close();
  }
}

describe('an invalid event already in the log is quarantined, and an operator can repair the org', () => {
  let stack: TestStack;
  let goodPool: string;
  let badRevisions: number[];

  beforeAll(async () => {
    stack = await TestStack.start();
    await registerGateways(stack.client, 'good', ['gw-1']);
    goodPool = await poolWith(stack.client, 'good', 'edge-eu', ['gw-1']);
    await registerGateways(stack.client, 'bad', ['gw-1']);
    // Written straight into PostgreSQL, past the schema check: what a log from before the check may hold.
    const raw = await PostgresEventLog.open({ url: stack.env.EVENT_STORE_URL });
    const metadata = { correlationId: 'legacy', causationId: 'legacy', occurredAt: new Date().toISOString() };
    const { nextRevision } = await raw.append(
      orgStreamId('bad'),
      [
        { id: randomUUID(), type: 'GatewayRegistered', data: {}, metadata },
        { id: randomUUID(), type: 'PoolCreated', data: { poolId: 'p-42', name: 42 }, metadata },
      ],
      0,
    );
    await raw.close();
    badRevisions = [nextRevision - 1, nextRevision];
  });
  afterAll(() => stack?.stop());

  const status = () => stack.client.ok<Status>('gwpool.v1.admin.projector.status', {});
  const poolList = (org: string) => stack.client.ok<Record<string, unknown>>(query(org, 'pool.list'), {});

  it('quarantines the events, keeps every org flowing and marks only that org degraded', async () => {
    const seen = await eventually(status, (s) => s.quarantine.count === 2 && s.storedPosition === s.appliedPosition, {
      label: 'the projector quarantined both events and caught up',
    });
    expect(seen.quarantine.events).toEqual([
      expect.objectContaining({ org: 'bad', revision: badRevisions[0], type: 'GatewayRegistered' }),
      expect.objectContaining({ org: 'bad', revision: badRevisions[1], type: 'PoolCreated' }),
    ]);
    await validCommandStillReachesViews(stack);

    const bad = await eventually(
      () => poolList('bad'),
      (r) => r['degraded'] !== undefined,
      { label: 'bad org degraded' },
    );
    expect(bad).toEqual({
      pools: [],
      degraded: { quarantinedEvents: 2, message: expect.stringContaining("org 'bad'") },
    });
    expect(await poolList('good')).toEqual({ pools: [expect.objectContaining({ poolId: goodPool })] });
    const gateways = await stack.client.ok<Record<string, unknown>>(query('bad', 'gateway.list'), {});
    expect(gateways['degraded']).toMatchObject({ quarantinedEvents: 2 });

    // pool-command quarantines them too, and keeps deciding the org's valid commands.
    await stack.client.ok(cmd('bad', 'gateway.register'), { gatewayId: 'gw-2' });
    await eventually(
      () => stack.client.ok<{ gateways: unknown[] }>(query('bad', 'gateway.list'), {}),
      (r) => r.gateways.length === 2,
      { label: 'a valid command of the degraded org in the views' },
    );
  });

  it('restores the quarantine in a rebuild into a fresh namespace, and for a routing-query reading it', async () => {
    const namespace = `rebuild_${Date.now()}`;
    const rebuild = stack.add('projector', { READ_MODEL_NAMESPACE: namespace });
    const { catalogs } = await eventually(
      () => storedCatalogs(stack.env.READ_MODEL_URL, namespace),
      (s) => s.catalogs.get('bad')?.gateways.size === 2 && s.catalogs.get('good')?.pools.has(goodPool) === true,
      { timeoutMs: 30_000, intervalMs: 250, label: 'the rebuild got past the quarantined events' },
    );
    await rebuild.stop();
    expect([...(catalogs.get('bad')?.quarantined.keys() ?? [])]).toEqual(badRevisions);

    const live = stack.service('routing-query');
    await live.stop();
    const reader = stack.add('routing-query', { READ_MODEL_NAMESPACE: namespace });
    await stack.waitReady(reader);
    expect((await poolList('bad'))['degraded']).toMatchObject({ quarantinedEvents: 2 });
    expect(await poolList('good')).toEqual({ pools: [expect.objectContaining({ poolId: goodPool })] });
    await reader.stop();
    await stack.restart(live);
  });

  it('repairs the org with admin.event.void: no longer degraded, live and after a rebuild', async () => {
    const voidEvent = (body: unknown) => stack.client.request('gwpool.v1.admin.event.void', body);
    const notQuarantined = await voidEvent({ org: 'bad', revision: 0, reason: 'was fine' });
    expect(notQuarantined.ok ? undefined : notQuarantined.error.code).toBe('NOT_FOUND');
    const unknownOrg = await voidEvent({ org: 'nobody', revision: badRevisions[0], reason: 'no such org' });
    expect(unknownOrg.ok ? undefined : unknownOrg.error.code).toBe('NOT_FOUND');

    for (const revision of badRevisions) {
      expect(
        await stack.client.ok('gwpool.v1.admin.event.void', { org: 'bad', revision, reason: 'legacy bad event' }),
      ).toEqual({ org: 'bad', revision, voided: true, position: expect.any(String) });
    }
    const again = await voidEvent({ org: 'bad', revision: badRevisions[0], reason: 'twice' });
    expect(again.ok ? undefined : again.error.code).toBe('NOT_FOUND');

    await eventually(
      () => poolList('bad'),
      (r) => r['degraded'] === undefined,
      { label: 'bad org repaired' },
    );
    await eventually(status, (s) => s.quarantine.count === 0, { label: 'projector quarantine empty' });
    // The operator re-issues the intended change as a valid command.
    await stack.client.ok(cmd('bad', 'pool.create'), { name: 'p-42' });

    const namespace = `repaired_${Date.now()}`;
    const rebuild = stack.add('projector', { READ_MODEL_NAMESPACE: namespace });
    const { catalogs } = await eventually(
      () => storedCatalogs(stack.env.READ_MODEL_URL, namespace),
      (s) => s.catalogs.get('bad')?.pools.size === 1,
      { timeoutMs: 30_000, intervalMs: 250, label: 'the rebuild after the repair' },
    );
    await rebuild.stop();
    expect(catalogs.get('bad')?.quarantined.size).toBe(0);
  });
});
