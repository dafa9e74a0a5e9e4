import type { OrgEvent } from '../index.js';
import { edgeEu, gatewayRegistered, given, memberAdded, poolCreated } from '../testing/decider-spec.js';

const drainSet = (gatewayId: string, draining: boolean): OrgEvent => ({
  type: 'GatewayDrainSet',
  data: { gatewayId, draining },
});

describe('decide: the routing settings of pools and gateways', () => {
  describe('CreatePool and UpdatePool', () => {
    it('stores a strategy and a member limit, but not the defaults', () => {
      given([])
        .when({ type: 'CreatePool', data: { poolId: 'p-1', name: 'edge', strategy: 'least-loaded', maxMembers: 3 } })
        .then([
          { type: 'PoolCreated', data: { poolId: 'p-1', name: 'edge', strategy: 'least-loaded', maxMembers: 3 } },
        ]);
      given([])
        .when({ type: 'CreatePool', data: { poolId: 'p-1', name: 'edge', strategy: 'random', maxMembers: 0 } })
        .then([{ type: 'PoolCreated', data: { poolId: 'p-1', name: 'edge' } }]);
    });

    it('changes the strategy and the limit as two events, and appends nothing for what is already so', () => {
      given(edgeEu)
        .when({ type: 'UpdatePool', data: { poolId: 'p-eu', strategy: 'round-robin', maxMembers: 5 } })
        .then([
          { type: 'PoolStrategyChanged', data: { poolId: 'p-eu', strategy: 'round-robin' } },
          { type: 'PoolCapacityChanged', data: { poolId: 'p-eu', maxMembers: 5 } },
        ]);
      given(edgeEu)
        .when({ type: 'UpdatePool', data: { poolId: 'p-eu', strategy: 'random', maxMembers: 0 } })
        .then([]);
    });

    it('lifts a limit with maxMembers 0', () => {
      given([{ type: 'PoolCreated', data: { poolId: 'p-1', name: 'edge', maxMembers: 2 } }])
        .when({ type: 'UpdatePool', data: { poolId: 'p-1', maxMembers: 0 } })
        .then([{ type: 'PoolCapacityChanged', data: { poolId: 'p-1' } }]);
    });

    it('refuses a strategy it does not know and a limit that is not a whole number', () => {
      given([])
        .when({ type: 'CreatePool', data: { poolId: 'p-1', name: 'edge', strategy: 'fastest' as never } })
        .thenRefuses('VALIDATION_FAILED', 'strategy');
      given(edgeEu)
        .when({ type: 'UpdatePool', data: { poolId: 'p-eu', maxMembers: 1.5 } })
        .thenRefuses('VALIDATION_FAILED', 'maxMembers');
    });
  });

  describe('AddPoolMember with a limit', () => {
    const capped: OrgEvent[] = [
      gatewayRegistered('gw-1'),
      gatewayRegistered('gw-2'),
      { type: 'PoolCreated', data: { poolId: 'p-1', name: 'edge', maxMembers: 1 } },
      memberAdded('p-1', 'gw-1'),
    ];

    it('refuses a member past maxMembers with CONFLICT naming the limit', () => {
      given(capped)
        .when({ type: 'AddPoolMember', data: { poolId: 'p-1', gatewayId: 'gw-2' } })
        .thenRefuses('CONFLICT', "pool 'edge' is full: it allows at most 1 members and has 1");
    });

    it('still treats re-adding a member of a full pool as a no-op', () => {
      given(capped)
        .when({ type: 'AddPoolMember', data: { poolId: 'p-1', gatewayId: 'gw-1' } })
        .then([]);
    });
  });

  describe('RegisterGateway with tags, and DrainGateway', () => {
    it('keeps tags sorted and without duplicates, and sees the same tags in another order as no change', () => {
      given([])
        .when({ type: 'RegisterGateway', data: { gatewayId: 'gw-1', tags: ['pci', 'gpu', 'pci'] } })
        .then([{ type: 'GatewayRegistered', data: { gatewayId: 'gw-1', tags: ['gpu', 'pci'] } }]);
      given([{ type: 'GatewayRegistered', data: { gatewayId: 'gw-1', tags: ['gpu', 'pci'] } }])
        .when({ type: 'RegisterGateway', data: { gatewayId: 'gw-1', tags: ['pci', 'gpu'] } })
        .then([]);
    });

    it('drains a registered gateway once, and ends the drain', () => {
      given([gatewayRegistered('gw-1')])
        .when({ type: 'DrainGateway', data: { gatewayId: 'gw-1', draining: true } })
        .then([drainSet('gw-1', true)]);
      given([gatewayRegistered('gw-1'), drainSet('gw-1', true)])
        .when({ type: 'DrainGateway', data: { gatewayId: 'gw-1', draining: true } })
        .then([]);
      given([gatewayRegistered('gw-1'), drainSet('gw-1', true)])
        .when({ type: 'DrainGateway', data: { gatewayId: 'gw-1', draining: false } })
        .then([drainSet('gw-1', false)]);
    });

    it('keeps a drain across a re-registration', () => {
      given([gatewayRegistered('gw-1'), drainSet('gw-1', true), gatewayRegistered('gw-1', 'renamed')])
        .when({ type: 'DrainGateway', data: { gatewayId: 'gw-1', draining: true } })
        .then([]);
    });

    it('refuses to drain a gateway that is not registered', () => {
      given([poolCreated('p-1', 'edge')])
        .when({ type: 'DrainGateway', data: { gatewayId: 'gw-x', draining: true } })
        .thenRefuses('NOT_FOUND', "gateway 'gw-x' is not registered in org 'acme'");
    });
  });
});
