import type { DampingPolicy } from '@gwpool/domain';
import type { ReadModelStore } from '@gwpool/read-model';
import type { NatsConnection } from '@nats-io/transport-node';
import { LivenessView } from './liveness-view.js';

/** Merged by hand: neither NATS nor the store is touched until start(). */
const view = (damping?: DampingPolicy) =>
  new LivenessView({} as NatsConnection, {} as ReadModelStore, { ttlMs: 60_000, ...(damping ? { damping } : {}) });

describe('the liveness view', () => {
  it('keeps the newest fact of each gateway, whatever order they come in', () => {
    const liveness = view();

    liveness.merge([
      { org: 'acme', gatewayId: 'gw-1', at: 200, check: 'failed' },
      { org: 'acme', gatewayId: 'gw-1', at: 100, check: 'passed' },
    ]);

    expect(liveness.get('acme', 'gw-1')).toMatchObject({ at: 200, check: 'failed' });
  });

  it("gives an org's liveness as data, and nothing of another org's", () => {
    const liveness = view();

    liveness.merge([
      { org: 'acme', gatewayId: 'gw-1', at: 100, check: 'passed' },
      { org: 'acme', gatewayId: 'gw-2', at: 150, check: 'failed' },
      { org: 'globex', gatewayId: 'gw-1', at: 120, check: 'passed' },
    ]);

    expect(liveness.ofOrg('acme')).toEqual([
      { gatewayId: 'gw-1', at: 100, check: 'passed' },
      { gatewayId: 'gw-2', at: 150, check: 'failed' },
    ]);
    expect(liveness.ofOrg('initech')).toEqual([]);
  });

  it('changes health only after the damping policy’s count of agreeing checks', () => {
    const liveness = view({ healthyAfter: 1, unhealthyAfter: 2 });
    liveness.merge([{ org: 'acme', gatewayId: 'gw-1', at: 100, check: 'passed' }]);
    liveness.merge([{ org: 'acme', gatewayId: 'gw-1', at: 200, check: 'failed' }]);
    expect(liveness.get('acme', 'gw-1')?.check).toBe('passed');
    liveness.merge([{ org: 'acme', gatewayId: 'gw-1', at: 300, check: 'failed' }]);
    expect(liveness.get('acme', 'gw-1')?.check).toBe('failed');
  });

  it('keeps the newest load a gateway reported, with the time it was received', () => {
    const liveness = view();
    liveness.merge([
      { org: 'acme', gatewayId: 'gw-1', at: 200, check: 'passed', load: { activeConnections: 7, capacity: 10 } },
      { org: 'acme', gatewayId: 'gw-1', at: 100, check: 'passed', load: { activeConnections: 1 } },
      { org: 'acme', gatewayId: 'gw-2', at: 100, check: 'passed' },
    ]);
    expect(liveness.load('acme', 'gw-1')).toEqual({ activeConnections: 7, capacity: 10, at: 200 });
    expect(liveness.load('acme', 'gw-2')).toBeUndefined();
  });
});
