import { jest } from '@jest/globals';
import { healthStreamId } from '@gwpool/domain';
import type { EventLog, RecordedEvent } from '@gwpool/event-log';
import { LivenessView } from '@gwpool/liveness-view';
import { CatalogFollower } from '@gwpool/log-followers';
import type { ReadModelStore } from '@gwpool/read-model';
import { openEventLog, openReadModel } from '@gwpool/storage';
import { createDatabase, requireEnv } from '@gwpool/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { HealthRecorder } from './health-recorder.js';

jest.setTimeout(60_000);

const TTL = 1000;
const recorded = (org: string, revision: number, type: string, data: unknown, at = 0): RecordedEvent => ({
  id: randomUUID(),
  streamId: `gwpool-org-${org}`,
  revision,
  position: `${org}:${revision}`,
  type,
  data,
  metadata: { correlationId: 'c', causationId: 'c', occurredAt: new Date(at).toISOString() },
  recordedAt: new Date(),
});

describe('the health recorder', () => {
  let store: ReadModelStore;
  let log: EventLog;

  beforeAll(async () => {
    const url = await createDatabase(requireEnv('TEST_POSTGRES_URL'), 'gwpool_health_recorder_test');
    store = await openReadModel(url, 'health');
    log = await openEventLog(url);
  });
  afterAll(async () => {
    await log?.close();
    await store?.close();
  });

  /** A projector's view of one org: its catalog and the liveness it heard, with no NATS or stored liveness. */
  function projector(org: string) {
    const catalog = new CatalogFollower(log, store);
    catalog.apply(recorded(org, 0, 'GatewayRegistered', { gatewayId: 'gw-1' }));
    catalog.apply(recorded(org, 1, 'GatewayRegistered', { gatewayId: 'gw-2' }));
    const liveness = new LivenessView({} as NatsConnection, {} as ReadModelStore, { ttlMs: TTL });
    return { catalog, liveness, recorder: new HealthRecorder(log, catalog, liveness, TTL) };
  }

  const history = async (org: string) =>
    (await log.readStream(healthStreamId(org))).map(({ type, data }) => ({ type, data }));

  it('records each transition once when two writers race, and again nothing after a restart', async () => {
    const org = 'race';
    const a = projector(org);
    const b = projector(org);
    for (const p of [a, b]) {
      p.liveness.merge([
        { org, gatewayId: 'gw-1', at: 1000, check: 'passed' },
        { org, gatewayId: 'gw-2', at: 1000, check: 'passed' },
      ]);
    }
    await Promise.all([a.recorder.record([org], 1100), b.recorder.record([org], 1100)]);
    for (const p of [a, b]) p.liveness.merge([{ org, gatewayId: 'gw-2', at: 1500, check: 'failed' }]);
    await Promise.all([a.recorder.record([org], 1600), b.recorder.record([org], 1600)]);

    const restarted = projector(org);
    restarted.liveness.merge([
      { org, gatewayId: 'gw-1', at: 1000, check: 'passed' },
      { org, gatewayId: 'gw-2', at: 1500, check: 'failed' },
    ]);
    await restarted.recorder.load();
    await restarted.recorder.record([org], 1700);

    expect(await history(org)).toEqual([
      { type: 'GatewayBecameHealthy', data: { gatewayId: 'gw-1', at: new Date(1000).toISOString() } },
      { type: 'GatewayBecameHealthy', data: { gatewayId: 'gw-2', at: new Date(1000).toISOString() } },
      {
        type: 'GatewayBecameUnhealthy',
        data: { gatewayId: 'gw-2', reason: 'check-failed', at: new Date(1500).toISOString() },
      },
    ]);
    expect(a.recorder.recorded + b.recorder.recorded).toBe(3);
    expect(restarted.recorder.recorded).toBe(0);
    expect([restarted.recorder.healthy(org, 'gw-1'), restarted.recorder.healthy(org, 'gw-2')]).toEqual([true, false]);
  });

  it('records an expiry at the end of the TTL, and a deregistration with the deregistering event as its cause', async () => {
    const org = 'expiry';
    const p = projector(org);
    p.liveness.merge([
      { org, gatewayId: 'gw-1', at: 1000, check: 'passed' },
      { org, gatewayId: 'gw-2', at: 1000, check: 'passed' },
    ]);
    await p.recorder.record([org], 1100);
    p.liveness.merge([{ org, gatewayId: 'gw-2', at: 1800, check: 'passed' }]);
    await p.recorder.record([org], 2500);
    const deregistration = recorded(org, 2, 'GatewayDeregistered', { gatewayId: 'gw-2' }, 2600);
    p.catalog.apply(deregistration);
    await p.recorder.record([org], 2700);

    const stream = await log.readStream(healthStreamId(org));
    expect(stream.map(({ type, data }) => ({ type, data })).slice(2)).toEqual([
      {
        type: 'GatewayBecameUnhealthy',
        data: { gatewayId: 'gw-1', reason: 'heartbeat-expired', at: new Date(2000).toISOString() },
      },
      {
        type: 'GatewayBecameUnhealthy',
        data: { gatewayId: 'gw-2', reason: 'deregistered', at: new Date(2600).toISOString() },
      },
    ]);
    expect(stream[3]?.metadata.causationId).toBe(deregistration.id);
  });
});
