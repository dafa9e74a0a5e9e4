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
      { org: 'acme', gatewayId: 'gw-3', at: 300, check: 'passed', load: { activeConnections: 4 } },
    ]);
    expect(liveness.load('acme', 'gw-1')).toStrictEqual({ activeConnections: 7, capacity: 10, at: 200 });
    expect(liveness.load('acme', 'gw-2')).toBeUndefined();
    // No capacity reported, none made up: the load is then the raw connection count.
    expect(liveness.load('acme', 'gw-3')).toStrictEqual({ activeConnections: 4, at: 300 });
  });

  describe('health version', () => {
    const fact = (at: number, check: 'passed' | 'failed' = 'passed', gatewayId = 'gw-1') => ({
      org: 'acme',
      gatewayId,
      at,
      check,
    });

    it('moves with a first heartbeat, a failed check and a recovery', () => {
      const liveness = view();
      const seen = [liveness.healthVersion('acme')];
      liveness.merge([fact(1_000)], 1_000);
      seen.push(liveness.healthVersion('acme'));
      liveness.merge([fact(2_000, 'failed')], 2_000);
      seen.push(liveness.healthVersion('acme'));
      liveness.merge([fact(3_000)], 3_000);
      seen.push(liveness.healthVersion('acme'));
      expect(new Set(seen).size).toBe(4);
      expect(liveness.healthVersion('globex')).toBe(0);
    });

    it('stays while a healthy gateway keeps beating, and for a late heartbeat', () => {
      const liveness = view();
      liveness.merge([fact(1_000)], 1_000);
      const version = liveness.healthVersion('acme');
      liveness.merge([fact(11_000), fact(21_000)], 21_000);
      liveness.merge([fact(5_000)], 22_000);
      expect(liveness.healthVersion('acme')).toBe(version);
    });

    it('moves when a gateway whose heartbeat ran out beats again', () => {
      const liveness = view();
      liveness.merge([fact(1_000)], 1_000);
      const version = liveness.healthVersion('acme');
      // Received before the old heartbeat ran out, merged after: health comes back at the merge.
      liveness.merge([fact(60_500)], 61_500);
      expect(liveness.healthVersion('acme')).not.toBe(version);
    });
  });
});
