import { LivenessView } from '@gwpool/liveness-view';
import type { ReadModelStore } from '@gwpool/read-model';
import type { NatsConnection } from '@nats-io/transport-node';
import { RoutingTable } from './routing-table.js';

/** Neither NATS nor the store is touched: facts are merged by hand. */
const table = () => {
  const liveness = new LivenessView({} as NatsConnection, {} as ReadModelStore, { ttlMs: 60_000 });
  return { liveness, table: new RoutingTable(liveness) };
};

describe("the routing table's state version", () => {
  it('moves with every change of an ejection, so a keyed pick sees a new suspect at once', () => {
    const { table: routing } = table();
    const before = routing.stateVersion('acme');
    routing.putEjection('acme', 'pool-1', 'gw-1', { failures: 0, level: 1, until: 30_000 });
    const ejected = routing.stateVersion('acme');
    routing.putEjection('acme', 'pool-1', 'gw-1', undefined);
    expect(new Set([before, ejected, routing.stateVersion('acme')]).size).toBe(3);
    expect(routing.ejectionsOf('acme', 'pool-1').size).toBe(0);
  });

  it('stays when an ejection is put again unchanged', () => {
    const { table: routing } = table();
    const state = { failures: 1, level: 0, until: 0 };
    routing.putEjection('acme', 'pool-1', 'gw-1', state);
    const version = routing.stateVersion('acme');
    routing.putEjection('acme', 'pool-1', 'gw-1', state);
    expect(routing.stateVersion('acme')).toBe(version);
  });

  it("moves with a change of a gateway's health, and only in its org", () => {
    const { liveness, table: routing } = table();
    const [acme, globex] = [routing.stateVersion('acme'), routing.stateVersion('globex')];
    liveness.merge([{ org: 'acme', gatewayId: 'gw-1', at: 1_000, check: 'failed' }], 1_000);
    expect(routing.stateVersion('acme')).not.toBe(acme);
    expect(routing.stateVersion('globex')).toBe(globex);
  });
});
