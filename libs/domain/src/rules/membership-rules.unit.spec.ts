import {
  given,
  gatewayDeregistered,
  poolCreated,
  memberAdded,
  memberRemoved,
  edgeEu,
} from '../testing/decider-spec.js';

describe('decide', () => {
  describe('AddPoolMember', () => {
    it('adds a registered gateway to a pool', () => {
      given(edgeEu)
        .when({ type: 'AddPoolMember', data: { poolId: 'p-eu', gatewayId: 'gw-3' } })
        .then([memberAdded('p-eu', 'gw-3')]);
    });

    it('appends nothing when the gateway is already a member', () => {
      given(edgeEu)
        .when({ type: 'AddPoolMember', data: { poolId: 'p-eu', gatewayId: 'gw-1' } })
        .then([]);
    });

    it('adds a gateway that is already in another pool', () => {
      given([...edgeEu, poolCreated('p-us', 'edge-us')])
        .when({ type: 'AddPoolMember', data: { poolId: 'p-us', gatewayId: 'gw-1' } })
        .then([memberAdded('p-us', 'gw-1')]);
    });

    it('adds back a gateway that was removed', () => {
      given([...edgeEu, memberRemoved('p-eu', 'gw-1')])
        .when({ type: 'AddPoolMember', data: { poolId: 'p-eu', gatewayId: 'gw-1' } })
        .then([memberAdded('p-eu', 'gw-1')]);
    });

    it('refuses a gateway that is not registered', () => {
      given(edgeEu)
        .when({ type: 'AddPoolMember', data: { poolId: 'p-eu', gatewayId: 'gw-9' } })
        .thenRefuses('NOT_FOUND', "gateway 'gw-9' is not registered in org 'acme'");
    });

    it('refuses a gateway that was deregistered', () => {
      given([...edgeEu, gatewayDeregistered('gw-3')])
        .when({ type: 'AddPoolMember', data: { poolId: 'p-eu', gatewayId: 'gw-3' } })
        .thenRefuses('NOT_FOUND', "gateway 'gw-3' is not registered");
    });

    it('refuses a pool that does not exist', () => {
      given(edgeEu)
        .when({ type: 'AddPoolMember', data: { poolId: 'p-nope', gatewayId: 'gw-1' } })
        .thenRefuses('NOT_FOUND', "pool 'p-nope' not found");
    });
  });

  describe('RemovePoolMember', () => {
    it('removes a member from a pool', () => {
      given(edgeEu)
        .when({ type: 'RemovePoolMember', data: { poolId: 'p-eu', gatewayId: 'gw-2' } })
        .then([memberRemoved('p-eu', 'gw-2', 'removed')]);
    });

    it('refuses to remove a gateway that is not a member', () => {
      const error = given(edgeEu)
        .when({ type: 'RemovePoolMember', data: { poolId: 'p-eu', gatewayId: 'gw-3' } })
        .thenRefuses('NOT_FOUND', "gateway 'gw-3' is not a member of pool 'edge-eu'");
      expect(error.details).toEqual({ poolId: 'p-eu', gatewayId: 'gw-3' });
    });

    it('refuses to remove a member twice', () => {
      given([...edgeEu, memberRemoved('p-eu', 'gw-2')])
        .when({ type: 'RemovePoolMember', data: { poolId: 'p-eu', gatewayId: 'gw-2' } })
        .thenRefuses('NOT_FOUND', "gateway 'gw-2' is not a member");
    });

    it('refuses a pool that does not exist', () => {
      given(edgeEu)
        .when({ type: 'RemovePoolMember', data: { poolId: 'p-nope', gatewayId: 'gw-1' } })
        .thenRefuses('NOT_FOUND', "pool 'p-nope' not found");
    });
  });
});
