import { jest } from '@jest/globals';
import type { ReadModelStore } from '@gwpool/read-model';
import { openReadModel } from '@gwpool/storage';
import { LIVENESS_FACTS_SUBJECT } from '@gwpool/contracts';
import { createDatabase, eventually, requireEnv } from '@gwpool/testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { LivenessRecorder } from './liveness-recorder.js';
import { LivenessWriter } from './liveness-writer.js';

jest.setTimeout(60_000);

describe('the liveness recorder', () => {
  let store: ReadModelStore;
  let nc: NatsConnection;
  let recorder: LivenessRecorder;
  let writer: LivenessWriter;

  beforeAll(async () => {
    const url = await createDatabase(requireEnv('TEST_POSTGRES_URL'), 'gwpool_liveness_test');
    store = await openReadModel(url, 'liveness');
    nc = await connect({ servers: requireEnv('TEST_NATS_URL') });
    writer = new LivenessWriter(store);
    recorder = new LivenessRecorder(nc, writer);
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
    expect(writer.persistFailures).toBe(1);
  });
});

describe('the liveness facts', () => {
  it('go out in messages of at most a thousand facts, each gateway once with its newest heartbeat', async () => {
    const url = await createDatabase(requireEnv('TEST_POSTGRES_URL'), 'gwpool_facts_test');
    const store = await openReadModel(url, 'facts');
    const nc = await connect({ servers: requireEnv('TEST_NATS_URL') });
    const recorder = new LivenessRecorder(nc, new LivenessWriter(store));
    const sizes: number[] = [];
    const seen = new Map<string, number>();
    const sub = nc.subscribe(LIVENESS_FACTS_SUBJECT, {
      callback: (_error, msg) => {
        const { facts } = msg.json<{ facts: { gatewayId: string; at: number }[] }>();
        sizes.push(facts.length);
        for (const fact of facts) seen.set(fact.gatewayId, fact.at);
      },
    });
    try {
      const at = Date.now();
      for (let i = 0; i < 2500; i += 1) recorder.record({ org: 'acme', gatewayId: `gw-${i}`, at, check: 'passed' });
      recorder.record({ org: 'acme', gatewayId: 'gw-7', at: at + 5, check: 'failed' });
      await recorder.flush();
      await nc.flush();
      await eventually(
        () => seen.size,
        (n) => n === 2500,
        { label: 'every fact received' },
      );

      expect(sizes).toEqual([1000, 1000, 500]);
      expect(seen.get('gw-7')).toBe(at + 5);
      expect(await store.loadLiveness({ org: 'acme', gatewayIds: ['gw-7'] })).toEqual([
        { org: 'acme', gatewayId: 'gw-7', at: at + 5, check: 'failed' },
      ]);
    } finally {
      sub.unsubscribe();
      await nc.close();
      await store.close();
    }
  });
});
