import { causesWithinBatch, decide, foldCatalog } from '../index.js';
import {
  ORG,
  given,
  gatewayRegistered,
  gatewayUpdated,
  gatewayDeregistered,
  poolCreated,
  poolDeleted,
  memberAdded,
  memberRemoved,
  consumerAttached,
  consumerDetached,
  gateway,
  attach,
  edgeEu,
  OPTIONS,
  stamped,
} from '../testing/decider-spec.js';

describe('decide', () => {
  describe('RegisterGateway', () => {
    it('registers a new gateway with its name and zone', () => {
      given([])
        .when({ type: 'RegisterGateway', data: { gatewayId: 'gw-1', name: 'alpha', zone: 'eu-west-1a' } })
        .then([gatewayRegistered('gw-1', 'alpha', 'eu-west-1a')]);
    });

    it('appends nothing when a gateway re-registers with the same attributes', () => {
      given([gatewayRegistered('gw-1', 'alpha', 'eu-west-1a')])
        .when({ type: 'RegisterGateway', data: { gatewayId: 'gw-1', name: 'alpha', zone: 'eu-west-1a' } })
        .then([]);
    });

    it('appends nothing when a gateway without attributes re-registers without attributes', () => {
      given([gatewayRegistered('gw-1')])
        .when({ type: 'RegisterGateway', data: { gatewayId: 'gw-1' } })
        .then([]);
    });

    it('updates a gateway that re-registers in another zone', () => {
      given([gatewayRegistered('gw-1', 'alpha', 'eu-west-1a')])
        .when({ type: 'RegisterGateway', data: { gatewayId: 'gw-1', name: 'alpha', zone: 'eu-west-1c' } })
        .then([gatewayUpdated('gw-1', 'alpha', 'eu-west-1c')]);
    });

    it('updates a gateway that re-registers under another name', () => {
      given([gatewayRegistered('gw-1', 'alpha', 'eu-west-1a')])
        .when({ type: 'RegisterGateway', data: { gatewayId: 'gw-1', name: 'omega', zone: 'eu-west-1a' } })
        .then([gatewayUpdated('gw-1', 'omega', 'eu-west-1a')]);
    });

    it('updates a gateway that re-registers without the name it had', () => {
      given([gatewayRegistered('gw-1', 'alpha')])
        .when({ type: 'RegisterGateway', data: { gatewayId: 'gw-1' } })
        .then([gatewayUpdated('gw-1')]);
    });

    it('registers afresh a gateway that was deregistered', () => {
      given([gatewayRegistered('gw-1', 'alpha'), gatewayDeregistered('gw-1')])
        .when({ type: 'RegisterGateway', data: { gatewayId: 'gw-1', name: 'alpha' } })
        .then([gatewayRegistered('gw-1', 'alpha')]);
    });
  });

  describe('DeregisterGateway', () => {
    it('refuses to deregister a gateway that consumers route through directly, naming them', () => {
      given([...edgeEu, consumerAttached('ds-1', gateway('gw-3'))])
        .when({ type: 'DeregisterGateway', data: { gatewayId: 'gw-3' } })
        .thenRefuses('CONFLICT', "gateway 'gw-3' is used directly by 1 consumer (ds-1)");
    });

    it('refuses a re-attach to a gateway that has been deregistered', () => {
      given([
        ...edgeEu,
        gatewayRegistered('gw-4'),
        consumerAttached('ds-1', gateway('gw-4')),
        consumerDetached('ds-1', gateway('gw-4')),
        gatewayDeregistered('gw-4'),
      ])
        .when(attach('ds-1', gateway('gw-4'), []))
        .thenRefuses('NOT_FOUND', "gateway 'gw-4' is not registered");
    });

    it('deregisters a gateway that is in no pool with a single event', () => {
      given(edgeEu)
        .when({ type: 'DeregisterGateway', data: { gatewayId: 'gw-3' } })
        .then([gatewayDeregistered('gw-3')]);
    });

    it('removes the gateway from every pool it was in, after its deregistration', () => {
      given([...edgeEu, poolCreated('p-us', 'edge-us'), memberAdded('p-us', 'gw-1')])
        .when({ type: 'DeregisterGateway', data: { gatewayId: 'gw-1' } })
        .then([
          gatewayDeregistered('gw-1'),
          memberRemoved('p-eu', 'gw-1', 'gateway-deregistered'),
          memberRemoved('p-us', 'gw-1', 'gateway-deregistered'),
        ]);
    });

    it('links each membership removal to the deregistration that caused it', () => {
      const state = foldCatalog(ORG, [...edgeEu, poolCreated('p-us', 'edge-us'), memberAdded('p-us', 'gw-1')]);
      const events = decide(stamped({ type: 'DeregisterGateway', data: { gatewayId: 'gw-1' } }), state, OPTIONS);
      expect(causesWithinBatch(events)).toEqual([undefined, 0, 0]);
    });

    it('leaves out pools the gateway already left or that were deleted', () => {
      given([
        ...edgeEu,
        poolCreated('p-us', 'edge-us'),
        memberAdded('p-us', 'gw-1'),
        poolCreated('p-ap', 'edge-ap'),
        memberAdded('p-ap', 'gw-1'),
        memberRemoved('p-eu', 'gw-1'),
        poolDeleted('p-ap', 'edge-ap'),
      ])
        .when({ type: 'DeregisterGateway', data: { gatewayId: 'gw-1' } })
        .then([gatewayDeregistered('gw-1'), memberRemoved('p-us', 'gw-1', 'gateway-deregistered')]);
    });

    it('refuses to deregister a gateway that is not registered', () => {
      given(edgeEu)
        .when({ type: 'DeregisterGateway', data: { gatewayId: 'gw-9' } })
        .thenRefuses('NOT_FOUND', "gateway 'gw-9' is not registered in org 'acme'");
    });

    it('refuses to deregister a gateway twice', () => {
      given([...edgeEu, gatewayDeregistered('gw-3')])
        .when({ type: 'DeregisterGateway', data: { gatewayId: 'gw-3' } })
        .thenRefuses('NOT_FOUND', "gateway 'gw-3'");
    });
  });
});
