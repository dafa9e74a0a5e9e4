import { decode } from '@nats-io/jwt';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';
import { accountOfCreds, keyPair, orgAccountJwt, seedOf, servicesAccountJwt, userCreds } from './claims.js';

interface AccountNats {
  limits: Record<string, unknown>;
  exports?: { name: string; subject: string; type: string; token_req?: boolean }[];
  imports?: { name: string; subject: string; type: string; account: string; token: string; share?: boolean }[];
  revocations?: Record<string, number>;
}

const native = (kp: KeyPair) => keyPair(seedOf(kp));
const operator = native(createOperator());
const services = native(createAccount());
const acme = native(createAccount());

/** A JWT's claims without checking the signature (slow in pure JavaScript); one test per kind checks it. */
function claimsOf<T>(jwt: string): { iss: string; sub: string; name: string; nats: T } {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as never;
}

describe('account and user claims', () => {
  it('exports every tenant slice privately from the services account, with explicit unlimited limits', async () => {
    const claims = decode<AccountNats>(await servicesAccountJwt('gwpool-services', services, operator, new Map()));
    if (!claims.nats.limits) throw new Error('no limits');

    expect(claims.iss).toBe(operator.getPublicKey());
    expect(claims.nats.limits).toMatchObject({ imports: -1, exports: -1, subs: -1, wildcards: true });
    expect(claims.nats.exports?.map((e) => [e.subject, e.type, e.token_req])).toEqual([
      ['gwpool.v1.*.cmd.>', 'service', true],
      ['gwpool.v1.*.query.>', 'service', true],
      ['gwpool.v1.*.heartbeat.*', 'service', true],
      ['gwpool.v1.*.route.report', 'service', true],
      ['gwpool.v1.*.health.*', 'stream', true],
      ['gwpool.v1.*.alert.*', 'stream', true],
    ]);
  });

  it("imports only the org's own slices, each with a token the services account issued for this account and slice", async () => {
    const state = { revocations: new Map([['UREVOKED', 1_800_000_000]]) };
    const jwt = await orgAccountJwt('acme', acme, services, operator, state);
    const claims = claimsOf<AccountNats>(jwt);

    expect(decode(jwt).iss).toBe(operator.getPublicKey());
    expect(claims.name).toBe('acme');
    expect(claims.nats.revocations).toEqual({ UREVOKED: 1_800_000_000 });
    expect(claims.nats.imports?.map((i) => [i.subject, i.type, i.share ?? false])).toEqual([
      ['gwpool.v1.acme.cmd.>', 'service', true],
      ['gwpool.v1.acme.query.>', 'service', false],
      ['gwpool.v1.acme.heartbeat.*', 'service', false],
      ['gwpool.v1.acme.route.report', 'service', true],
      ['gwpool.v1.acme.health.*', 'stream', false],
      ['gwpool.v1.acme.alert.*', 'stream', false],
    ]);
    for (const i of claims.nats.imports ?? []) {
      const token = claimsOf<{ subject: string; kind: string }>(i.token);
      expect(i.account).toBe(services.getPublicKey());
      expect([token.iss, token.sub, token.nats.subject, token.nats.kind]).toEqual([
        services.getPublicKey(),
        acme.getPublicKey(),
        i.subject,
        i.type,
      ]);
    }
  });

  it('cuts a disabled org off: no connection, no import, every earlier user revoked', async () => {
    const state = { revocations: new Map<string, number>(), disabledAt: 1_800_000_000 };
    const claims = claimsOf<AccountNats>(await orgAccountJwt('acme', acme, services, operator, state));

    expect(claims.nats.limits['conn']).toBe(0);
    expect(claims.nats.imports).toBeUndefined();
    expect(claims.nats.revocations).toEqual({ '*': 1_800_000_000 });
  });

  it('writes standard creds whose JWT carries the name, tags and permissions, issued by the account', async () => {
    const user = native(createUser());
    const permissions = { pub: { allow: ['gwpool.v1.acme.query.>'] }, sub: { allow: ['_INBOX.>'] } };
    const { jwt, creds } = await userCreds(user, acme, { name: 'alice', permissions, tags: ['org:acme'] });
    const claims = decode<{ tags: string[]; pub: unknown; sub: unknown }>(jwt);

    expect(creds).toContain(`-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------`);
    expect(creds).toContain(new TextDecoder().decode(user.getSeed()));
    expect([claims.name, claims.sub, claims.iss]).toEqual(['alice', user.getPublicKey(), acme.getPublicKey()]);
    expect(claims.nats).toMatchObject({ tags: ['org:acme'], ...permissions });
    expect(accountOfCreds(creds)).toBe(acme.getPublicKey());
  });

  it('refuses to read an account out of something that is not a creds file', () => {
    expect(() => accountOfCreds('hello')).toThrow(/not a NATS .creds file/);
  });
});
