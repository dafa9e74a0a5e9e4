import { DomainError } from '@gwpool/domain';
import { AccountDirectory } from './account-directory.js';
import { identifyCaller, type Tenancy } from './caller.js';

const SERVICES = 'ASERVICESACCOUNT';
const ACME = 'AACMEACCOUNT';
const GLOBEX = 'AGLOBEXACCOUNT';
const directory = new AccountDirectory();
directory.bind('acme', ACME);
directory.bind('globex', GLOBEX);
const enforced: Tenancy = { ownAccount: SERVICES, orgOfAccount: (key) => directory.orgOf(key) };
const open: Tenancy = { orgOfAccount: () => undefined };

const shared = (acc: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    acc,
    user: 'UALICE',
    name_tag: 'alice',
    name: 'whatever',
    tags: ['org:acme', 'role:admin'],
    ...extra,
  });

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected FORBIDDEN, but the caller was accepted');
}

describe('identifying the caller', () => {
  it('takes a tenant actor from the server-reported JWT name and key, never from Gwpool-Actor', () => {
    const caller = identifyCaller({ subjectOrg: 'acme', requestInfo: shared(ACME), claimedActor: 'mallory' }, enforced);

    expect(caller).toEqual({
      kind: 'tenant',
      org: 'acme',
      account: ACME,
      actor: 'alice',
      actorKey: 'UALICE',
      role: 'admin',
    });
  });

  it('never takes the client-chosen connection name as the actor', () => {
    const caller = identifyCaller(
      { subjectOrg: 'acme', requestInfo: JSON.stringify({ acc: ACME, name: 'root' }), claimedActor: undefined },
      enforced,
    );

    expect(caller).toEqual({ kind: 'tenant', org: 'acme', account: ACME });
  });

  it("refuses with FORBIDDEN an account acting on another org's subject", () => {
    const error = refusal(() =>
      identifyCaller({ subjectOrg: 'globex', requestInfo: shared(ACME), claimedActor: undefined }, enforced),
    );

    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe("a caller of org 'acme' may not act for org 'globex'");
    expect(error.details).toEqual({ org: 'globex', account: ACME });
  });

  it('refuses an account bound to no org', () => {
    const error = refusal(() =>
      identifyCaller({ subjectOrg: 'acme', requestInfo: shared('ASTRANGER'), claimedActor: undefined }, enforced),
    );

    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe("account 'ASTRANGER' belongs to no org");
  });

  it('refuses a tenant on operator subjects', () => {
    const error = refusal(() =>
      identifyCaller({ subjectOrg: undefined, requestInfo: shared(ACME), claimedActor: 'ops' }, enforced),
    );

    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/operators' account only/);
  });

  it('refuses an unreadable identity header rather than guessing', () => {
    const error = refusal(() =>
      identifyCaller({ subjectOrg: 'acme', requestInfo: '{"acc":', claimedActor: 'ops' }, enforced),
    );

    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/identity is unreadable: Nats-Request-Info is not JSON/);
  });

  it('trusts the services account, whose callers may name an actor, with or without the header', () => {
    expect(
      identifyCaller({ subjectOrg: 'acme', requestInfo: undefined, claimedActor: 'ops@example.com' }, enforced),
    ).toEqual({
      kind: 'trusted',
      actor: 'ops@example.com',
    });
    expect(
      identifyCaller({ subjectOrg: undefined, requestInfo: shared(SERVICES), claimedActor: 'ops' }, enforced),
    ).toEqual({
      kind: 'trusted',
      actor: 'ops',
    });
    expect(identifyCaller({ subjectOrg: 'acme', requestInfo: undefined, claimedActor: undefined }, enforced)).toEqual({
      kind: 'trusted',
    });
    expect(identifyCaller({ subjectOrg: 'acme', requestInfo: '', claimedActor: 'ops' }, enforced)).toEqual({
      kind: 'trusted',
      actor: 'ops',
    });
  });

  it('takes every caller at its word when the transport does not enforce tenancy', () => {
    expect(identifyCaller({ subjectOrg: 'acme', requestInfo: shared(GLOBEX), claimedActor: 'bob' }, open)).toEqual({
      kind: 'trusted',
      actor: 'bob',
    });
  });
});
