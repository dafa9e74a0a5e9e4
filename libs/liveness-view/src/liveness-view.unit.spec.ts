import type { ReadModelStore } from '@gwpool/read-model';
import type { NatsConnection } from '@nats-io/transport-node';
import { LivenessView } from './liveness-view.js';

/** Merged by hand: neither NATS nor the store is touched until start(). */
const view = () => new LivenessView({} as NatsConnection, {} as ReadModelStore);

describe('the liveness view', () => {
  it('keeps the newest fact of each gateway, whatever order they come in', () => {
    const liveness = view();

    liveness.merge([
      { org: 'acme', gatewayId: 'gw-1', at: 200, check: 'failed' },
      { org: 'acme', gatewayId: 'gw-1', at: 100, check: 'passed' },
    ]);

    expect(liveness.get('acme', 'gw-1')).toEqual({ at: 200, check: 'failed' });
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
});
