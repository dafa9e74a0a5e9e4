import { jest } from '@jest/globals';
import type { EventLog, RecordedEvent } from '@gwpool/event-log';
import { CatalogFollower } from '@gwpool/log-followers';
import type { ReadModelStore } from '@gwpool/read-model';
import { openEventLog, openReadModel } from '@gwpool/storage';
import { createDatabase, requireEnv } from '@gwpool/testing';
import { randomUUID } from 'node:crypto';
import { ViewWriter } from './view-writer.js';

jest.setTimeout(60_000);

const recorded = (org: string, revision: number, position: string, type: string, data: unknown): RecordedEvent => ({
  id: randomUUID(),
  streamId: `gwpool-org-${org}`,
  revision,
  position,
  type,
  data,
  metadata: { correlationId: 'c', causationId: 'c', occurredAt: new Date().toISOString() },
  recordedAt: new Date(),
});

describe('the view writer', () => {
  let store: ReadModelStore;
  let log: EventLog;
  let catalog: CatalogFollower;

  beforeAll(async () => {
    const url = await createDatabase(requireEnv('TEST_POSTGRES_URL'), 'gwpool_writer_test');
    store = await openReadModel(url, 'writer');
    log = await openEventLog(url);
    catalog = new CatalogFollower(log, store);
  });
  afterAll(async () => {
    await log?.close();
    await store?.close();
  });

  it('writes the quarantine with the org doc, and never retries a batch the store refuses for its data', async () => {
    const writer = new ViewWriter(catalog, store, log);
    const lease = await store.tryAcquireWriterLease('projector', 'test');
    if (!lease) throw new Error('the writer lease is held elsewhere');
    await writer.activate(lease);
    catalog.apply(recorded('good', 0, '1', 'GatewayRegistered', { gatewayId: 'gw-1' }));
    catalog.apply(recorded('good', 1, '2', 'PoolCreated', { poolId: 'p1', name: 42 }));
    catalog.apply(recorded('buggy', 0, '3', 'GatewayRegistered', { gatewayId: 'gw-1' }));
    // A bug that slipped past every check: PostgreSQL refuses a NUL character in jsonb.
    const gateway = catalog.get('buggy')?.gateways.get('gw-1');
    if (gateway) gateway.name = 'nul \u0000 here';

    await writer.stop();

    expect(writer.flushedPosition).toBe('3');
    expect(await store.readCheckpoint('projector')).toBe('3');
    expect(await store.getDoc('gateways', 'good', 'gw-1')).toMatchObject({ revision: 0, deleted: false });
    const org = await store.getDoc('orgs', 'good', 'good');
    expect(org?.body['quarantined']).toEqual([expect.objectContaining({ revision: 1, type: 'PoolCreated' })]);
    expect(await store.getDoc('gateways', 'buggy', 'gw-1')).toBeNull();
    await lease.release();
  });
});
