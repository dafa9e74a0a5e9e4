import { jest } from '@jest/globals';
import type { ReadModelStore } from '@gwpool/read-model';
import { openReadModel } from '@gwpool/storage';
import { createDatabase, requireEnv } from '@gwpool/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { LivenessRecorder } from './liveness-recorder.js';

jest.setTimeout(60_000);

describe('the liveness recorder', () => {
  let store: ReadModelStore;
  let nc: NatsConnection;
  let recorder: LivenessRecorder;

  beforeAll(async () => {
    const url = await createDatabase(requireEnv('TEST_POSTGRES_URL'), 'gwpool_liveness_test');
    store = await openReadModel(url, 'liveness');
    nc = await connect({ servers: requireEnv('TEST_NATS_URL') });
    recorder = new LivenessRecorder(nc, store);
  });
  afterAll(async () => {
    await nc?.close();
    await store?.close();
  });

  it('keeps nothing of an invalid record', async () => {
    const bogus = { org: 'acme', gatewayId: 'gw-0', at: Date.now(), check: 'bogus' } as never;

    expect(recorder.record(bogus)).toBe(false);
    expect(recorder.record({ org: 'acme', gatewayId: 'bad id!', at: Date.now(), check: 'passed' })).toBe(false);
    expect(recorder.backlog).toBe(0);
    expect(recorder.invalidRecords).toBe(2);
  });

  it('stores the other records of a batch when the store refuses one of them', async () => {
    const at = Date.now();
    recorder.record({ org: 'acme', gatewayId: 'gw-1', at, check: 'passed' });
    // PostgreSQL text cannot hold a NUL character: this record alone is refused by the store.
    recorder.record({ org: 'acme', gatewayId: 'gw-2', at, check: 'failed', detail: 'nul \u0000 here' });
    recorder.record({ org: 'acme', gatewayId: 'gw-3', at, check: 'failed' });

    await recorder.flush();

    const stored = await store.loadLiveness({ org: 'acme' });
    expect(stored.map((r) => [r.gatewayId, r.check]).sort()).toEqual([
      ['gw-1', 'passed'],
      ['gw-3', 'failed'],
    ]);
    expect(recorder.persistFailures).toBe(1);
  });
});
