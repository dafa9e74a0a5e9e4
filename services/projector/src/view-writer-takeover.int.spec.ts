import { jest } from '@jest/globals';
import type { EventLog, RecordedEvent } from '@gwpool/event-log';
import { CatalogFollower } from '@gwpool/log-followers';
import type { ReadModelStore, WriterLease } from '@gwpool/read-model';
import { randomNamespace } from '@gwpool/read-model/testing';
import { openEventLog, openReadModel } from '@gwpool/storage';
import { createDatabase, eventually, requireEnv } from '@gwpool/testing';
import { randomUUID } from 'node:crypto';
import { ViewWriter } from './view-writer.js';

jest.setTimeout(60_000);

/** Org acme's history: gateway gw-{i} registered, then pool p-{i} with it as member, three events per i. */
function history(count: number): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  const add = (type: string, data: unknown) =>
    events.push({
      id: randomUUID(),
      streamId: 'gwpool-org-acme',
      revision: events.length,
      // PostgreSQL log positions (tx:seq), which the writer compares.
      position: `100:${events.length + 1}`,
      type,
      data,
      metadata: { correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() },
      recordedAt: new Date(),
    });
  for (let i = 0; i < count; i += 1) {
    add('GatewayRegistered', { gatewayId: `gw-${i}` });
    add('PoolCreated', { poolId: `p-${i}`, name: `pool-${i}` });
    add('PoolMemberAdded', { poolId: `p-${i}`, gatewayId: `gw-${i}` });
  }
  return events;
}

describe('a standby view writer taking over', () => {
  let url: string;
  let log: EventLog;
  let store: ReadModelStore;
  const leases: WriterLease[] = [];

  const take = async (holder: string): Promise<WriterLease> => {
    const lease = await store.tryAcquireWriterLease('projector', holder);
    if (!lease) throw new Error(`${holder} could not take the lease`);
    leases.push(lease);
    return lease;
  };
  const writerOn = (events: RecordedEvent[]) => {
    const catalog = new CatalogFollower(log, store);
    const writer = new ViewWriter(catalog, store, log);
    for (const event of events) catalog.apply(event);
    return { catalog, writer };
  };
  const storedAt = (position: string) =>
    eventually(
      () => store.readCheckpoint('projector'),
      (stored) => stored === position,
      { label: `checkpoint ${position} stored` },
    );

  beforeAll(async () => {
    url = await createDatabase(requireEnv('TEST_POSTGRES_URL'), 'gwpool_takeover_test');
    log = await openEventLog(url);
  });
  beforeEach(async () => {
    store = await openReadModel(url, randomNamespace());
  });
  afterEach(async () => {
    for (const lease of leases.splice(0)) await lease.release();
    await store.close();
  });
  afterAll(() => log?.close());

  it('writes nothing while standing by, then writes what the last writer had not stored', async () => {
    const events = history(4);
    const active = writerOn(events.slice(0, 6));
    const standby = writerOn(events.slice(0, 6));
    await active.writer.activate(await take('a'));
    await storedAt('100:6');
    expect(await store.getDoc('pools', 'acme', 'p-1')).toMatchObject({ revision: 5 });

    // The writer dies before it writes the next events; the standby has applied them too.
    for (const event of events.slice(6)) active.catalog.apply(event);
    active.writer.deactivate();
    await leases[0]?.release();
    for (const event of events.slice(6)) standby.catalog.apply(event);
    expect(await store.getDoc('pools', 'acme', 'p-2')).toBeNull();

    await standby.writer.activate(await take('b'));

    await storedAt('100:12');
    expect(await store.getDoc('pools', 'acme', 'p-3')).toMatchObject({ revision: 11, body: { members: ['gw-3'] } });
    expect(await store.getDoc('gateways', 'acme', 'gw-2')).toMatchObject({ revision: 6 });
    expect(await store.getDoc('orgs', 'acme', 'acme')).toMatchObject({ revision: 11 });
    await standby.writer.stop();
  });

  it('waits until it has reached the stored checkpoint before writing, so the checkpoint never moves back', async () => {
    const events = history(3);
    const active = writerOn(events);
    const standby = writerOn(events.slice(0, 3));
    await active.writer.activate(await take('a'));
    await storedAt('100:9');
    active.writer.deactivate();
    await leases[0]?.release();

    let activated = false;
    const activation = standby.writer.activate(await take('b')).then(() => (activated = true));
    // A new event for the standby only, so that it has something to write, behind the stored checkpoint.
    standby.catalog.apply(events[3] as RecordedEvent);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(activated).toBe(false);
    expect(await store.readCheckpoint('projector')).toBe('100:9');
    for (const event of events.slice(4)) standby.catalog.apply(event);
    await activation;
    expect(await store.readCheckpoint('projector')).toBe('100:9');
    await standby.writer.stop();
    expect(await store.readCheckpoint('projector')).toBe('100:9');
  });

  it('gives up its takeover when the lease ends while it is still catching up', async () => {
    const events = history(2);
    const active = writerOn(events);
    const standby = writerOn(events.slice(0, 2));
    await active.writer.activate(await take('a'));
    await storedAt('100:6');
    active.writer.deactivate();
    await leases[0]?.release();
    const lease = await take('b');

    const activation = standby.writer.activate(lease);
    await lease.release();

    await expect(activation).rejects.toThrow(/lease ended/);
    expect(standby.writer.active).toBe(false);
  });
});
