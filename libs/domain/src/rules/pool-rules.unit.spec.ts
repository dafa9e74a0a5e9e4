// Over 200 lines: create, rename and delete all guard the one name index, and their cases read best side by side.
import {
  given,
  poolCreated,
  poolRenamed,
  descriptionChanged,
  poolDeleted,
  consumerAttached,
  consumerDetached,
  pool,
  gateway,
  edgeEu,
} from '../testing/decider-spec.js';

describe('decide', () => {
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
});
