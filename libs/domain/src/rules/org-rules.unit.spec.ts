import {
  decide,
  foldCatalog,
  type EntitlementPolicy,
  type OrgCommand,
  type OrgCommandData,
  type OrgEvent,
} from '../index.js';
import {
  OPTIONS,
  ORG,
  given,
  entitlementSet,
  gatewayRegistered,
  gatewayDeregistered,
  poolCreated,
  memberRemoved,
  consumerAttached,
  consumerDetached,
  pool,
  gateway,
  attach,
  edgeEu,
} from '../testing/decider-spec.js';

describe('decide', () => {
  describe('SetEntitlement', () => {
    it('records an entitlement the org never had', () => {
      given([])
        .when({ type: 'SetEntitlement', data: { gatewayPools: true } })
        .then([entitlementSet(true)]);
    });

    it('records an explicit refusal for an org that was never set', () => {
      given([])
        .when({ type: 'SetEntitlement', data: { gatewayPools: false } })
        .then([entitlementSet(false)]);
    });

    it('revokes an entitlement that was granted', () => {
      given([entitlementSet(true)])
        .when({ type: 'SetEntitlement', data: { gatewayPools: false } })
        .then([entitlementSet(false)]);
    });

    it('appends nothing when the entitlement already has the requested value', () => {
      given([entitlementSet(true)])
        .when({ type: 'SetEntitlement', data: { gatewayPools: true } })
        .then([]);
      given([entitlementSet(false)])
        .when({ type: 'SetEntitlement', data: { gatewayPools: false } })
        .then([]);
    });
  });

  describe('entitlement', () => {
    const createPool: OrgCommandData = { type: 'CreatePool', data: { poolId: 'p-1', name: 'edge-1' } };

    it.each<[EntitlementPolicy, string, OrgEvent[]]>([
      ['open', 'was never set', []],
      ['open', 'was granted', [entitlementSet(true)]],
      ['enforced', 'was granted', [entitlementSet(true)]],
      ['enforced', 'was refused, then granted', [entitlementSet(false), entitlementSet(true)]],
    ])('under the %s policy allows pools to an org whose entitlement %s', (policy, _, history) => {
      given(history, { policy })
        .when(createPool)
        .then([poolCreated('p-1', 'edge-1')]);
    });

    it.each<[EntitlementPolicy, string, OrgEvent[]]>([
      ['open', 'was refused', [entitlementSet(false)]],
      ['open', 'was granted, then revoked', [entitlementSet(true), entitlementSet(false)]],
      ['enforced', 'was never set', []],
      ['enforced', 'was refused', [entitlementSet(false)]],
    ])('under the %s policy forbids pools to an org whose entitlement %s', (policy, _, history) => {
      const error = given(history, { policy })
        .when(createPool)
        .thenRefuses('FORBIDDEN', "gateway pools are not enabled for org 'acme'");
      expect(error.details).toEqual({ org: 'acme' });
    });

    /** The org had pools while entitled; the entitlement was then revoked. */
    const revoked = [entitlementSet(true), ...edgeEu, consumerAttached('c-1', pool('p-eu')), entitlementSet(false)];

    describe.each<[EntitlementPolicy, string, OrgEvent[]]>([
      ['open', 'revoked', revoked],
      ['enforced', 'revoked', revoked],
      ['enforced', 'never set', edgeEu],
    ])('under the %s policy, for an org whose entitlement was %s', (policy, _, history) => {
      it.each<[string, OrgCommandData]>([
        ['CreatePool', { type: 'CreatePool', data: { poolId: 'p-2', name: 'edge-2' } }],
        ['UpdatePool', { type: 'UpdatePool', data: { poolId: 'p-eu', name: 'edge-west' } }],
        ['DeletePool', { type: 'DeletePool', data: { poolId: 'p-eu' } }],
        ['AddPoolMember', { type: 'AddPoolMember', data: { poolId: 'p-eu', gatewayId: 'gw-3' } }],
        ['RemovePoolMember', { type: 'RemovePoolMember', data: { poolId: 'p-eu', gatewayId: 'gw-1' } }],
        ['AttachConsumer to a pool', attach('c-2', pool('p-eu'), ['gw-1'])],
      ])('forbids %s', (_, command) => {
        given(history, { policy }).when(command).thenRefuses('FORBIDDEN', 'gateway pools are not enabled');
      });

      it('still registers gateways', () => {
        given(history, { policy })
          .when({ type: 'RegisterGateway', data: { gatewayId: 'gw-4' } })
          .then([gatewayRegistered('gw-4')]);
      });

      it('still attaches consumers to a gateway', () => {
        given(history, { policy })
          .when(attach('c-2', gateway('gw-3'), ['gw-3']))
          .then([consumerAttached('c-2', gateway('gw-3'))]);
      });
    });

    it('still deregisters a gateway, with its pool memberships, once the entitlement is revoked', () => {
      given(revoked, { policy: 'open' })
        .when({ type: 'DeregisterGateway', data: { gatewayId: 'gw-1' } })
        .then([gatewayDeregistered('gw-1'), memberRemoved('p-eu', 'gw-1', 'gateway-deregistered')]);
    });

    it('still lets a consumer leave a pool once the entitlement is revoked', () => {
      given(revoked, { policy: 'enforced' })
        .when(attach('c-1', gateway('gw-3'), ['gw-3']))
        .then([consumerAttached('c-1', gateway('gw-3'), pool('p-eu'))]);
      given(revoked, { policy: 'enforced' })
        .when({ type: 'DetachConsumer', data: { consumerId: 'c-1' } })
        .then([consumerDetached('c-1', pool('p-eu'))]);
    });
  });

  it('throws on a command type it does not know, rather than appending nothing', () => {
    const bogus = { type: 'RenameOrg', data: {} } as unknown as OrgCommand;
    expect(() => decide(bogus, foldCatalog(ORG, []), OPTIONS)).toThrow('unhandled command');
  });
});
