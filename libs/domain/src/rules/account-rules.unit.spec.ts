import type { OrgCommandData, OrgEvent } from '../index.js';
import { entitlementSet, gatewayRegistered, given, metadata, poolCreated } from '../testing/decider-spec.js';

const ACME = `A${'B'.repeat(55)}`;
const GLOBEX = `A${'C'.repeat(55)}`;
const bound = (accountPublicKey: string, previousAccountPublicKey?: string): OrgEvent => ({
  type: 'OrgAccountBound',
  data: { accountPublicKey, ...(previousAccountPublicKey ? { previousAccountPublicKey } : {}) },
});
const bind = (accountPublicKey: string): OrgCommandData => ({ type: 'BindAccount', data: { accountPublicKey } });
/** A command as a tenant sends it: with the account the server reported. */
const fromAccount = (command: OrgCommandData, callerAccount: string) => ({
  ...command,
  metadata: { ...metadata(), actor: 'alice', actorKey: `U${'E'.repeat(55)}`, callerAccount },
});

describe('decide', () => {
  describe('BindAccount', () => {
    it('binds an org that had no account', () => {
      given([])
        .when(bind(ACME))
        .then([bound(ACME)]);
    });

    it('replaces the account of an org, naming the one it had', () => {
      given([bound(GLOBEX)])
        .when(bind(ACME))
        .then([bound(ACME, GLOBEX)]);
    });

    it('appends nothing when the org is bound to that account already', () => {
      given([bound(ACME)])
        .when(bind(ACME))
        .then([]);
    });

    it('refuses a key that is not an account public key', () => {
      given([])
        .when(bind(`U${'B'.repeat(55)}`))
        .thenRefuses('VALIDATION_FAILED', 'accountPublicKey must be a NATS account public key');
    });
  });

  describe('a tenant caller', () => {
    const createPool: OrgCommandData = { type: 'CreatePool', data: { poolId: 'p-1', name: 'edge-1' } };

    it('acts for the org bound to its account', () => {
      given([bound(ACME)])
        .when(fromAccount(createPool, ACME))
        .then([poolCreated('p-1', 'edge-1')]);
    });

    it('is refused by an org bound to another account', () => {
      const error = given([bound(GLOBEX)])
        .when(fromAccount(createPool, ACME))
        .thenRefuses('FORBIDDEN', `account '${ACME}' may not act for org 'acme'`);
      expect(error.details).toEqual({ org: 'acme', account: ACME });
    });

    it('is refused by an org bound to no account', () => {
      given([gatewayRegistered('gw-1')])
        .when(fromAccount({ type: 'RegisterGateway', data: { gatewayId: 'gw-2' } }, ACME))
        .thenRefuses('FORBIDDEN', 'may not act');
    });

    it('is refused by the account an org was bound to before', () => {
      given([bound(GLOBEX), bound(ACME, GLOBEX)])
        .when(fromAccount(createPool, GLOBEX))
        .thenRefuses('FORBIDDEN', 'may not act');
    });

    it('is refused before any other rule is judged', () => {
      given([entitlementSet(false)], { policy: 'open' })
        .when(fromAccount(createPool, ACME))
        .thenRefuses('FORBIDDEN', 'may not act');
    });

    it('leaves a trusted caller, which carries no account, to the other rules', () => {
      given([])
        .when(createPool)
        .then([poolCreated('p-1', 'edge-1')]);
    });
  });
});
