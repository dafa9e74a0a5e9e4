import {
  causesWithinBatch,
  cloneCatalog,
  decide,
  DomainError,
  foldCatalog,
  type ConsumerTarget,
  type ConsumerType,
  type DomainErrorCode,
  type EntitlementPolicy,
  type OrgCommand,
  type OrgEvent,
} from './index.js';

const ORG = 'acme';

/** Given a history, when a command is decided, then these events (or this refusal). */
function given(history: readonly OrgEvent[], options: { org?: string; policy?: EntitlementPolicy } = {}) {
  const state = foldCatalog(
    options.org ?? ORG,
    history.map((event, revision) => ({ event, revision })),
  );
  const policy = options.policy ?? 'open';
  return {
    when(command: OrgCommand) {
      const before = cloneCatalog(state);
      const run = (): OrgEvent[] => {
        try {
          return decide(command, state, policy);
        } finally {
          // evolve mutates for speed, so a decide that mutated too would corrupt the cached catalog.
          expect(state).toEqual(before);
        }
      };
      return {
        then(expected: readonly OrgEvent[]): void {
          expect(run()).toEqual(expected);
        },
        thenRefuses(code: DomainErrorCode, ...fragments: string[]): DomainError {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(DomainError);
          const error = thrown as DomainError;
          expect(error.code).toBe(code);
          for (const fragment of fragments) expect(error.message).toContain(fragment);
          return error;
        },
      };
    },
  };
}

const entitlementSet = (gatewayPools: boolean): OrgEvent => ({ type: 'OrgEntitlementSet', data: { gatewayPools } });
const gatewayRegistered = (gatewayId: string, name?: string, zone?: string): OrgEvent => ({
  type: 'GatewayRegistered',
  data: { gatewayId, name, zone },
});
const gatewayUpdated = (gatewayId: string, name?: string, zone?: string): OrgEvent => ({
  type: 'GatewayUpdated',
  data: { gatewayId, name, zone },
});
const gatewayDeregistered = (gatewayId: string): OrgEvent => ({ type: 'GatewayDeregistered', data: { gatewayId } });
const poolCreated = (poolId: string, name: string, description?: string): OrgEvent => ({
  type: 'PoolCreated',
  data: { poolId, name, ...(description === undefined ? {} : { description }) },
});
const poolRenamed = (poolId: string, name: string, previousName: string): OrgEvent => ({
  type: 'PoolRenamed',
  data: { poolId, name, previousName },
});
const descriptionChanged = (poolId: string, description?: string): OrgEvent => ({
  type: 'PoolDescriptionChanged',
  data: { poolId, ...(description === undefined ? {} : { description }) },
});
const poolDeleted = (poolId: string, name: string): OrgEvent => ({ type: 'PoolDeleted', data: { poolId, name } });
const memberAdded = (poolId: string, gatewayId: string): OrgEvent => ({
  type: 'PoolMemberAdded',
  data: { poolId, gatewayId },
});
const memberRemoved = (
  poolId: string,
  gatewayId: string,
  reason: 'removed' | 'gateway-deregistered' = 'removed',
): OrgEvent => ({ type: 'PoolMemberRemoved', data: { poolId, gatewayId, reason } });
const consumerAttached = (
  consumerId: string,
  target: ConsumerTarget,
  previousTarget?: ConsumerTarget,
  consumerType: ConsumerType = 'kubernetes-auth',
): OrgEvent => ({
  type: 'ConsumerAttached',
  data: { consumerId, consumerType, target, ...(previousTarget ? { previousTarget } : {}) },
});
const consumerDetached = (consumerId: string, previousTarget: ConsumerTarget): OrgEvent => ({
  type: 'ConsumerDetached',
  data: { consumerId, previousTarget },
});

const pool = (poolId: string): ConsumerTarget => ({ kind: 'pool', poolId });
const gateway = (gatewayId: string): ConsumerTarget => ({ kind: 'gateway', gatewayId });

const attach = (
  consumerId: string,
  target: ConsumerTarget,
  healthyGatewayIds: readonly string[],
  consumerType: ConsumerType = 'kubernetes-auth',
): OrgCommand => ({ type: 'AttachConsumer', data: { consumerId, consumerType, target, healthyGatewayIds } });

/** Pool p-eu ('edge-eu') holds gw-1 and gw-2; gw-3 is registered but in no pool. */
const edgeEu: OrgEvent[] = [
  gatewayRegistered('gw-1', 'alpha', 'eu-west-1a'),
  gatewayRegistered('gw-2', 'beta', 'eu-west-1b'),
  gatewayRegistered('gw-3'),
  poolCreated('p-eu', 'edge-eu', 'EU edge'),
  memberAdded('p-eu', 'gw-1'),
  memberAdded('p-eu', 'gw-2'),
];

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
      const state = foldCatalog(
        ORG,
        [...edgeEu, poolCreated('p-us', 'edge-us'), memberAdded('p-us', 'gw-1')].map((event, revision) => ({
          event,
          revision,
        })),
      );
      const events = decide({ type: 'DeregisterGateway', data: { gatewayId: 'gw-1' } }, state, 'open');
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

  describe('CreatePool', () => {
    it('creates a pool with a name and a description', () => {
      given([])
        .when({ type: 'CreatePool', data: { poolId: 'p-eu', name: 'edge-eu', description: 'EU edge' } })
        .then([poolCreated('p-eu', 'edge-eu', 'EU edge')]);
    });

    it('creates a pool without a description when given an empty one', () => {
      given([])
        .when({ type: 'CreatePool', data: { poolId: 'p-eu', name: 'edge-eu', description: '' } })
        .then([poolCreated('p-eu', 'edge-eu')]);
    });

    it.each(['a', '7', 'edge-eu-2', 'a'.repeat(32), 'a--b'])('accepts %p as a pool name', (name) => {
      given([])
        .when({ type: 'CreatePool', data: { poolId: 'p-1', name } })
        .then([poolCreated('p-1', name)]);
    });

    it.each(['', 'Edge-eu', '-edge', 'edge-', 'edge_eu', 'edge eu', 'édge', 'a'.repeat(33)])(
      'rejects %p as a pool name',
      (name) => {
        const error = given([])
          .when({ type: 'CreatePool', data: { poolId: 'p-1', name } })
          .thenRefuses('VALIDATION_FAILED', 'name must be a string of 1 to 32 lowercase letters');
        expect(error.details).toEqual({ fields: { name: expect.stringContaining('lowercase') } });
      },
    );

    it('rejects a second pool with the same name in one org', () => {
      const error = given(edgeEu)
        .when({ type: 'CreatePool', data: { poolId: 'p-other', name: 'edge-eu' } })
        .thenRefuses('CONFLICT', "a pool named 'edge-eu' already exists in org 'acme'");
      expect(error.details).toEqual({ name: 'edge-eu', poolId: 'p-eu' });
    });

    it('rejects a pool id that is already taken, whatever the name', () => {
      given(edgeEu)
        .when({ type: 'CreatePool', data: { poolId: 'p-eu', name: 'edge-eu-2' } })
        .thenRefuses('CONFLICT', "pool 'p-eu' already exists");
    });

    it('lets a new pool take the name another pool was renamed away from', () => {
      given([...edgeEu, poolRenamed('p-eu', 'edge-west', 'edge-eu')])
        .when({ type: 'CreatePool', data: { poolId: 'p-new', name: 'edge-eu' } })
        .then([poolCreated('p-new', 'edge-eu')]);
    });

    it('lets a new pool take the name of a deleted pool', () => {
      given([...edgeEu, poolDeleted('p-eu', 'edge-eu')])
        .when({ type: 'CreatePool', data: { poolId: 'p-new', name: 'edge-eu' } })
        .then([poolCreated('p-new', 'edge-eu')]);
    });

    it('rejects the new name of a renamed pool', () => {
      given([...edgeEu, poolRenamed('p-eu', 'edge-west', 'edge-eu')])
        .when({ type: 'CreatePool', data: { poolId: 'p-new', name: 'edge-west' } })
        .thenRefuses('CONFLICT', "a pool named 'edge-west' already exists");
    });

    it('lets another org create a pool with a name already taken in this org', () => {
      given([poolCreated('p-eu', 'edge-eu')], { org: 'acme' })
        .when({ type: 'CreatePool', data: { poolId: 'p-2', name: 'edge-eu' } })
        .thenRefuses('CONFLICT', "a pool named 'edge-eu' already exists in org 'acme'");
      given([poolCreated('p-us', 'edge-us')], { org: 'globex' })
        .when({ type: 'CreatePool', data: { poolId: 'p-eu', name: 'edge-eu' } })
        .then([poolCreated('p-eu', 'edge-eu')]);
    });
  });

  describe('UpdatePool', () => {
    it('renames a pool and records its previous name', () => {
      given(edgeEu)
        .when({ type: 'UpdatePool', data: { poolId: 'p-eu', name: 'edge-west' } })
        .then([poolRenamed('p-eu', 'edge-west', 'edge-eu')]);
    });

    it('changes the description of a pool', () => {
      given(edgeEu)
        .when({ type: 'UpdatePool', data: { poolId: 'p-eu', description: 'Europe' } })
        .then([descriptionChanged('p-eu', 'Europe')]);
    });

    it('renames and changes the description in one command, rename first', () => {
      given(edgeEu)
        .when({ type: 'UpdatePool', data: { poolId: 'p-eu', name: 'edge-west', description: 'Europe' } })
        .then([poolRenamed('p-eu', 'edge-west', 'edge-eu'), descriptionChanged('p-eu', 'Europe')]);
    });

    it('clears the description when given an empty string', () => {
      given(edgeEu)
        .when({ type: 'UpdatePool', data: { poolId: 'p-eu', description: '' } })
        .then([descriptionChanged('p-eu')]);
    });

    it('appends nothing when clearing a description the pool does not have', () => {
      given([poolCreated('p-eu', 'edge-eu')])
        .when({ type: 'UpdatePool', data: { poolId: 'p-eu', description: '' } })
        .then([]);
    });

    it('gives a cleared description back to a pool', () => {
      given([...edgeEu, descriptionChanged('p-eu')])
        .when({ type: 'UpdatePool', data: { poolId: 'p-eu', description: 'EU edge' } })
        .then([descriptionChanged('p-eu', 'EU edge')]);
    });

    it('appends nothing when the name and description are unchanged', () => {
      given(edgeEu)
        .when({ type: 'UpdatePool', data: { poolId: 'p-eu', name: 'edge-eu', description: 'EU edge' } })
        .then([]);
    });

    it('leaves the description alone when the command does not mention it', () => {
      given(edgeEu)
        .when({ type: 'UpdatePool', data: { poolId: 'p-eu' } })
        .then([]);
    });

    it('lets a pool take the name another pool was renamed away from', () => {
      given([...edgeEu, poolCreated('p-us', 'edge-us'), poolRenamed('p-eu', 'edge-west', 'edge-eu')])
        .when({ type: 'UpdatePool', data: { poolId: 'p-us', name: 'edge-eu' } })
        .then([poolRenamed('p-us', 'edge-eu', 'edge-us')]);
    });

    it('lets a pool take the name of a deleted pool', () => {
      given([...edgeEu, poolCreated('p-us', 'edge-us'), poolDeleted('p-eu', 'edge-eu')])
        .when({ type: 'UpdatePool', data: { poolId: 'p-us', name: 'edge-eu' } })
        .then([poolRenamed('p-us', 'edge-eu', 'edge-us')]);
    });

    it('rejects a rename to the name of another pool in the org', () => {
      given([...edgeEu, poolCreated('p-us', 'edge-us')])
        .when({ type: 'UpdatePool', data: { poolId: 'p-us', name: 'edge-eu', description: 'moved' } })
        .thenRefuses('CONFLICT', "a pool named 'edge-eu' already exists in org 'acme'");
    });

    it('rejects a rename to a name that is not a slug', () => {
      given(edgeEu)
        .when({ type: 'UpdatePool', data: { poolId: 'p-eu', name: 'Edge EU' } })
        .thenRefuses('VALIDATION_FAILED', 'name must be a string of 1 to 32 lowercase letters');
    });

    it('refuses to update a pool that does not exist', () => {
      given(edgeEu)
        .when({ type: 'UpdatePool', data: { poolId: 'p-nope', name: 'edge-x' } })
        .thenRefuses('NOT_FOUND', "pool 'p-nope' not found in org 'acme'");
    });

    it('refuses to update a deleted pool', () => {
      given([...edgeEu, poolDeleted('p-eu', 'edge-eu')])
        .when({ type: 'UpdatePool', data: { poolId: 'p-eu', description: 'back' } })
        .thenRefuses('NOT_FOUND', "pool 'p-eu' not found");
    });
  });

  describe('DeletePool', () => {
    it('deletes a pool that still has members but no consumers', () => {
      given(edgeEu)
        .when({ type: 'DeletePool', data: { poolId: 'p-eu' } })
        .then([poolDeleted('p-eu', 'edge-eu')]);
    });

    it('deletes a pool under its current name', () => {
      given([...edgeEu, poolRenamed('p-eu', 'edge-west', 'edge-eu')])
        .when({ type: 'DeletePool', data: { poolId: 'p-eu' } })
        .then([poolDeleted('p-eu', 'edge-west')]);
    });

    it('deletes a pool whose consumers all moved away or detached', () => {
      given([
        ...edgeEu,
        consumerAttached('c-1', pool('p-eu')),
        consumerAttached('c-2', pool('p-eu')),
        consumerAttached('c-1', gateway('gw-3'), pool('p-eu')),
        consumerDetached('c-2', pool('p-eu')),
      ])
        .when({ type: 'DeletePool', data: { poolId: 'p-eu' } })
        .then([poolDeleted('p-eu', 'edge-eu')]);
    });

    it('refuses to delete a pool used by one consumer and names it', () => {
      const error = given([...edgeEu, consumerAttached('k8s-auth-1', pool('p-eu'))])
        .when({ type: 'DeletePool', data: { poolId: 'p-eu' } })
        .thenRefuses('POOL_IN_USE', "pool 'edge-eu' is used by 1 consumer (k8s-auth-1); move or detach them first");
      expect(error.details).toEqual({ poolId: 'p-eu', consumerCount: 1, consumerIds: ['k8s-auth-1'] });
    });

    it('refuses to delete a pool used by many consumers, giving the count and the first five ids', () => {
      const ids = ['c-1', 'c-2', 'c-3', 'c-4', 'c-5', 'c-6', 'c-7'];
      const error = given([...edgeEu, ...ids.map((id) => consumerAttached(id, pool('p-eu')))])
        .when({ type: 'DeletePool', data: { poolId: 'p-eu' } })
        .thenRefuses('POOL_IN_USE', "pool 'edge-eu' is used by 7 consumers (c-1, c-2, c-3, c-4, c-5, …)");
      expect(error.message).not.toContain('c-6');
      expect(error.details).toEqual({
        poolId: 'p-eu',
        consumerCount: 7,
        consumerIds: ['c-1', 'c-2', 'c-3', 'c-4', 'c-5'],
      });
    });

    it('lists exactly five consumers without an ellipsis', () => {
      const ids = ['c-1', 'c-2', 'c-3', 'c-4', 'c-5'];
      const error = given([...edgeEu, ...ids.map((id) => consumerAttached(id, pool('p-eu')))])
        .when({ type: 'DeletePool', data: { poolId: 'p-eu' } })
        .thenRefuses('POOL_IN_USE', 'used by 5 consumers (c-1, c-2, c-3, c-4, c-5);');
      expect(error.message).not.toContain('…');
    });

    it('refuses to delete a pool that does not exist', () => {
      given(edgeEu)
        .when({ type: 'DeletePool', data: { poolId: 'p-nope' } })
        .thenRefuses('NOT_FOUND', "pool 'p-nope' not found in org 'acme'");
    });

    it('refuses to delete a pool twice', () => {
      given([...edgeEu, poolDeleted('p-eu', 'edge-eu')])
        .when({ type: 'DeletePool', data: { poolId: 'p-eu' } })
        .thenRefuses('NOT_FOUND', "pool 'p-eu' not found");
    });
  });

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

  describe('AttachConsumer', () => {
    const withUsPool = [...edgeEu, poolCreated('p-us', 'edge-us'), memberAdded('p-us', 'gw-3')];

    it('attaches a consumer to a pool with one healthy member', () => {
      given(edgeEu)
        .when(attach('c-1', pool('p-eu'), ['gw-2']))
        .then([consumerAttached('c-1', pool('p-eu'))]);
    });

    it('attaches a consumer directly to a healthy registered gateway', () => {
      given(edgeEu)
        .when(attach('c-1', gateway('gw-3'), ['gw-3'], 'pam'))
        .then([consumerAttached('c-1', gateway('gw-3'), undefined, 'pam')]);
    });

    it('refuses a pool none of whose members is healthy, giving the counts', () => {
      const error = given([...edgeEu, memberAdded('p-eu', 'gw-3')])
        .when(attach('c-1', pool('p-eu'), []))
        .thenRefuses('NO_HEALTHY_GATEWAY', "pool 'edge-eu' has no healthy gateway (0/3 healthy)");
      expect(error.details).toEqual({ poolId: 'p-eu', healthy: 0, total: 3 });
    });

    it('does not count healthy gateways outside the pool', () => {
      given(edgeEu)
        .when(attach('c-1', pool('p-eu'), ['gw-3']))
        .thenRefuses('NO_HEALTHY_GATEWAY', "pool 'edge-eu' has no healthy gateway (0/2 healthy)");
    });

    it('refuses a pool without members', () => {
      given([...edgeEu, poolCreated('p-us', 'edge-us')])
        .when(attach('c-1', pool('p-us'), ['gw-1', 'gw-2', 'gw-3']))
        .thenRefuses('NO_HEALTHY_GATEWAY', "pool 'edge-us' has no healthy gateway (0/0 healthy)");
    });

    it('refuses a gateway that is not healthy', () => {
      given(edgeEu)
        .when(attach('c-1', gateway('gw-3'), ['gw-1', 'gw-2']))
        .thenRefuses('NO_HEALTHY_GATEWAY', "gateway 'gw-3' is not healthy");
    });

    it('refuses a gateway that is not registered, even if reported healthy', () => {
      given(edgeEu)
        .when(attach('c-1', gateway('gw-9'), ['gw-9']))
        .thenRefuses('NOT_FOUND', "gateway 'gw-9' is not registered in org 'acme'");
    });

    it('refuses a pool that does not exist', () => {
      given(edgeEu)
        .when(attach('c-1', pool('p-nope'), ['gw-1']))
        .thenRefuses('NOT_FOUND', "pool 'p-nope' not found in org 'acme'");
    });

    it('appends nothing when the consumer is already attached to the same target', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu'))])
        .when(attach('c-1', pool('p-eu'), ['gw-1']))
        .then([]);
      given([...edgeEu, consumerAttached('c-1', gateway('gw-3'))])
        .when(attach('c-1', gateway('gw-3'), ['gw-3']))
        .then([]);
    });

    it('moves a consumer to another pool and records where it was', () => {
      given([...withUsPool, consumerAttached('c-1', pool('p-eu'))])
        .when(attach('c-1', pool('p-us'), ['gw-3']))
        .then([consumerAttached('c-1', pool('p-us'), pool('p-eu'))]);
    });

    it('moves a consumer from a pool to a gateway', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu'))])
        .when(attach('c-1', gateway('gw-1'), ['gw-1']))
        .then([consumerAttached('c-1', gateway('gw-1'), pool('p-eu'))]);
    });

    it('moves a consumer from a gateway to a pool that gateway is in', () => {
      given([...edgeEu, consumerAttached('c-1', gateway('gw-1'))])
        .when(attach('c-1', pool('p-eu'), ['gw-1']))
        .then([consumerAttached('c-1', pool('p-eu'), gateway('gw-1'))]);
    });

    it('moves a consumer between gateways', () => {
      given([...edgeEu, consumerAttached('c-1', gateway('gw-1'))])
        .when(attach('c-1', gateway('gw-2'), ['gw-2']))
        .then([consumerAttached('c-1', gateway('gw-2'), gateway('gw-1'))]);
    });

    it('re-attaches a consumer whose type changed, on the same target', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu'))])
        .when(attach('c-1', pool('p-eu'), ['gw-1'], 'dynamic-secret'))
        .then([consumerAttached('c-1', pool('p-eu'), pool('p-eu'), 'dynamic-secret')]);
    });

    it('refuses to move a consumer to a target without a healthy gateway', () => {
      given([...withUsPool, consumerAttached('c-1', pool('p-eu'))])
        .when(attach('c-1', pool('p-us'), ['gw-1', 'gw-2']))
        .thenRefuses('NO_HEALTHY_GATEWAY', "pool 'edge-us' has no healthy gateway (0/1 healthy)");
    });

    it('attaches again a consumer that was detached, without a previous target', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu')), consumerDetached('c-1', pool('p-eu'))])
        .when(attach('c-1', pool('p-eu'), ['gw-1']))
        .then([consumerAttached('c-1', pool('p-eu'))]);
    });
  });

  describe('DetachConsumer', () => {
    it('detaches a consumer from its pool', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu'))])
        .when({ type: 'DetachConsumer', data: { consumerId: 'c-1' } })
        .then([consumerDetached('c-1', pool('p-eu'))]);
    });

    it('detaches a consumer from the target it was last moved to', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu')), consumerAttached('c-1', gateway('gw-3'), pool('p-eu'))])
        .when({ type: 'DetachConsumer', data: { consumerId: 'c-1' } })
        .then([consumerDetached('c-1', gateway('gw-3'))]);
    });

    it('refuses a consumer that is not attached', () => {
      given(edgeEu)
        .when({ type: 'DetachConsumer', data: { consumerId: 'c-9' } })
        .thenRefuses('NOT_FOUND', "consumer 'c-9' not found in org 'acme'");
    });

    it('refuses to detach a consumer twice', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu')), consumerDetached('c-1', pool('p-eu'))])
        .when({ type: 'DetachConsumer', data: { consumerId: 'c-1' } })
        .thenRefuses('NOT_FOUND', "consumer 'c-1' not found");
    });
  });

  describe('entitlement', () => {
    const createPool: OrgCommand = { type: 'CreatePool', data: { poolId: 'p-1', name: 'edge-1' } };

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
      it.each<[string, OrgCommand]>([
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
    expect(() => decide(bogus, foldCatalog(ORG, []), 'open')).toThrow('unhandled command');
  });
});

describe('causesWithinBatch', () => {
  it('links membership removals to the deregistration before them', () => {
    expect(
      causesWithinBatch([
        gatewayDeregistered('gw-1'),
        memberRemoved('p-eu', 'gw-1', 'gateway-deregistered'),
        memberRemoved('p-us', 'gw-1', 'gateway-deregistered'),
      ]),
    ).toEqual([undefined, 0, 0]);
  });

  it('leaves events caused by the command itself unlinked', () => {
    expect(
      causesWithinBatch([
        poolRenamed('p-eu', 'edge-west', 'edge-eu'),
        descriptionChanged('p-eu', 'Europe'),
        memberRemoved('p-eu', 'gw-1', 'removed'),
      ]),
    ).toEqual([undefined, undefined, undefined]);
  });

  it('leaves a removal by hand unlinked, even after a deregistration', () => {
    expect(
      causesWithinBatch([
        gatewayDeregistered('gw-1'),
        memberRemoved('p-eu', 'gw-1', 'gateway-deregistered'),
        memberRemoved('p-eu', 'gw-2', 'removed'),
      ]),
    ).toEqual([undefined, 0, undefined]);
  });

  it('links each removal to the nearest deregistration before it', () => {
    expect(
      causesWithinBatch([
        gatewayDeregistered('gw-1'),
        memberRemoved('p-eu', 'gw-1', 'gateway-deregistered'),
        gatewayDeregistered('gw-2'),
        memberRemoved('p-eu', 'gw-2', 'gateway-deregistered'),
      ]),
    ).toEqual([undefined, 0, undefined, 2]);
  });
});

describe('the second line of defence: decide checks the type of every field', () => {
  const edge = [poolCreated('p-eu', 'edge-eu'), gatewayRegistered('gw-1')];
  const WRONG = [123, true, null, ['x'], { id: 'x' }, '', 'bad id!', 'x'.repeat(65)];
  const cases: [string, (value: unknown) => OrgCommand][] = [
    ['RegisterGateway.gatewayId', (v) => ({ type: 'RegisterGateway', data: { gatewayId: v } }) as never],
    ['RegisterGateway.zone', (v) => ({ type: 'RegisterGateway', data: { gatewayId: 'gw-2', zone: v } }) as never],
    ['DeregisterGateway.gatewayId', (v) => ({ type: 'DeregisterGateway', data: { gatewayId: v } }) as never],
    ['CreatePool.poolId', (v) => ({ type: 'CreatePool', data: { poolId: v, name: 'edge-us' } }) as never],
    ['CreatePool.name', (v) => ({ type: 'CreatePool', data: { poolId: 'p-us', name: v } }) as never],
    ['UpdatePool.poolId', (v) => ({ type: 'UpdatePool', data: { poolId: v } }) as never],
    ['UpdatePool.name', (v) => ({ type: 'UpdatePool', data: { poolId: 'p-eu', name: v } }) as never],
    ['DeletePool.poolId', (v) => ({ type: 'DeletePool', data: { poolId: v } }) as never],
    ['AddPoolMember.gatewayId', (v) => ({ type: 'AddPoolMember', data: { poolId: 'p-eu', gatewayId: v } }) as never],
    ['RemovePoolMember.poolId', (v) => ({ type: 'RemovePoolMember', data: { poolId: v, gatewayId: 'gw-1' } }) as never],
    ['DetachConsumer.consumerId', (v) => ({ type: 'DetachConsumer', data: { consumerId: v } }) as never],
    [
      'AttachConsumer.consumerId',
      (v) =>
        ({
          type: 'AttachConsumer',
          data: { consumerId: v, consumerType: 'pam', target: { kind: 'pool', poolId: 'p-eu' }, healthyGatewayIds: [] },
        }) as never,
    ],
    [
      'AttachConsumer.target',
      (v) =>
        ({
          type: 'AttachConsumer',
          data: {
            consumerId: 'c',
            consumerType: 'pam',
            target: { kind: 'gateway', gatewayId: v },
            healthyGatewayIds: [],
          },
        }) as never,
    ],
  ];

  it.each(cases)('refuses a %s that is not a valid string, whatever its type', (_field, command) => {
    for (const value of WRONG) {
      given(edge).when(command(value)).thenRefuses('VALIDATION_FAILED', 'invalid request');
    }
  });

  it.each([
    ['a pool name of the wrong type', { type: 'CreatePool', data: { poolId: 'p', name: 42 } }],
    ['a description that is not a string', { type: 'CreatePool', data: { poolId: 'p', name: 'a', description: 7 } }],
    ['a gateway name that is an object', { type: 'RegisterGateway', data: { gatewayId: 'g', name: { a: 1 } } }],
    ['an entitlement that is a string', { type: 'SetEntitlement', data: { gatewayPools: 'true' } }],
    ['a consumer type it does not know', { type: 'DetachConsumer', data: { consumerId: 'c', extra: 1 } }],
    ['a void of a negative revision', { type: 'VoidEvent', data: { revision: -1, reason: 'r' } }],
    ['a void with an empty reason', { type: 'VoidEvent', data: { revision: 0, reason: '' } }],
    ['data that is null', { type: 'DeletePool', data: null }],
  ])('refuses %s', (_label, command) => {
    given(edge)
      .when(command as unknown as OrgCommand)
      .thenRefuses('VALIDATION_FAILED');
  });
});
