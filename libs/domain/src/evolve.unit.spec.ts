import { cloneCatalog, evolve, evolveInPlace, initialCatalog, type OrgEvent } from './index.js';
import {
  ORG,
  fold,
  registered,
  created,
  added,
  removed,
  attached,
  pool,
  history,
  later,
} from './testing/catalog-history.js';

describe('org catalog', () => {
  it('evolves into a new state and leaves the one it is given untouched', () => {
    const state = initialCatalog(ORG);
    const next = evolve(state, registered('gw-1'));
    expect(next).not.toBe(state);
    expect(next.gateways.has('gw-1')).toBe(true);
    expect(state).toEqual(initialCatalog(ORG));
  });

  it('leaves the state it is given untouched whatever the event', () => {
    let state = fold(history);
    const q = { position: '9', org: ORG, streamId: 'gwpool-org-acme', revision: 3, type: 'PoolCreated', error: 'e' };
    state.quarantined.set(3, q);
    const voided: OrgEvent = { type: 'EventVoided', data: { revision: 3, reason: 'repaired' } };
    for (const event of [...later, registered('gw-9'), created('p-ap', 'edge-ap'), added('p-ap', 'gw-9'), voided]) {
      const before = cloneCatalog(state);
      const next = evolve(state, event);
      expect(state).toEqual(before);
      expect(next).toEqual(evolveInPlace(cloneCatalog(before), event));
      state = next;
    }
  });

  it('evolves in place, for followers that own their state: the state it is given changes and comes back', () => {
    const state = initialCatalog(ORG);
    const next = evolveInPlace(state, registered('gw-1'));
    expect(next).toBe(state);
    expect(state.gateways.has('gw-1')).toBe(true);
  });

  describe('cloneCatalog', () => {
    it('copies a catalog equal to the original', () => {
      const original = fold(history);
      expect(cloneCatalog(original)).toEqual(original);
    });

    it('leaves the original untouched when the copy evolves', () => {
      const original = fold(history);
      const copy = cloneCatalog(original);
      for (const event of later) evolveInPlace(copy, event);

      expect(original).toEqual(fold(history));
      expect(copy).not.toEqual(original);
    });

    it('shares no mutable entry with the original', () => {
      const original = fold(history);
      const copy = cloneCatalog(original);
      for (const gatewayState of copy.gateways.values()) {
        gatewayState.name = 'changed';
        gatewayState.pools.clear();
      }
      for (const poolState of copy.pools.values()) {
        poolState.name = 'changed';
        poolState.members.clear();
        poolState.consumers.clear();
      }
      for (const consumer of copy.consumers.values()) consumer.consumerType = 'pam';
      copy.poolIdByName.clear();

      expect(original).toEqual(fold(history));
    });

    it('is left untouched when the original evolves', () => {
      const original = fold(history);
      const copy = cloneCatalog(original);
      evolveInPlace(original, removed('p-eu', 'gw-1'));
      evolveInPlace(original, attached('c-1', pool('p-us'), pool('p-eu')));

      expect(copy).toEqual(fold(history));
    });
  });

  it('folds the same history into equal, independent catalogs', () => {
    const first = fold(history);
    const second = fold(history);
    expect(second).toEqual(first);

    evolveInPlace(first, removed('p-eu', 'gw-1'));
    expect(second).toEqual(fold(history));
  });

  it('folds to the same catalog as evolving event by event', () => {
    const stepwise = history.reduce((state, event) => evolve(state, event), initialCatalog(ORG));
    expect(fold(history)).toEqual(stepwise);
  });
});
