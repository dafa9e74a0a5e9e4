import { jest } from '@jest/globals';
import { initialCatalog, type OrgCatalog, type PoolState } from '@gwpool/domain';
import type { LivenessView } from '@gwpool/liveness-view';
import type { CatalogFollower } from '@gwpool/log-followers';
import type { NatsConnection } from '@nats-io/transport-node';
import { HealthPublisher } from './health-publisher.js';
import type { HealthRecorder } from './health-recorder.js';

/** One org with one pool of one member, and a publisher wired to plain recording doubles of its ports. */
function given(live: () => boolean) {
  const catalog: OrgCatalog = initialCatalog('acme');
  const pool = {
    poolId: 'p-1',
    name: 'edge',
    members: new Set(['gw-1']),
    consumers: new Map(),
  } as unknown as PoolState;
  catalog.pools.set('p-1', pool);
  const published: string[] = [];
  const nc = { publish: (subject: string) => published.push(subject) } as unknown as NatsConnection;
  const follower = { catalogs: () => [catalog][Symbol.iterator](), onEvent: () => undefined, get: () => catalog };
  const recorder = { record: jest.fn(async () => undefined), healthy: () => true, forget: () => undefined };
  const liveness = { onFacts: () => undefined } as unknown as LivenessView;
  const publisher = new HealthPublisher(
    nc,
    follower as unknown as CatalogFollower,
    liveness,
    recorder as unknown as HealthRecorder,
    live,
  );
  return { publisher, published, recorder };
}

describe('the health publisher', () => {
  it('records and publishes nothing while the log is still being replayed, and every pool once caught up', async () => {
    let caughtUp = false;
    const { publisher, published, recorder } = given(() => caughtUp);
    publisher.setActive(true);
    await publisher.tick();
    await publisher.checkGateways([{ org: 'acme', gatewayId: 'gw-1' } as never]);
    expect(published).toEqual([]);
    expect(recorder.record).not.toHaveBeenCalled();

    caughtUp = true;
    await publisher.tick();
    expect(published).toEqual(['gwpool.v1.acme.health.p-1']);
    expect(recorder.record).toHaveBeenCalledTimes(1);
    await publisher.stop();
  });
});
