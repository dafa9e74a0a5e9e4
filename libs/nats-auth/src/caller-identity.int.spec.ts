import { jest } from '@jest/globals';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { AuthServer, json } from './tenancy.fixture.spec.js';

jest.setTimeout(60_000);

let server: AuthServer;
let acmeAdmin: NatsConnection;
let alice: { publicKey: string };
let acme: { publicKey: string };
let globex: { publicKey: string };

beforeAll(async () => {
  server = await AuthServer.start();
  await server.startStandIn();
  acme = await server.createOrg('acme');
  globex = await server.createOrg('globex');
  const credential = await server.store.issueUser('acme', 'alice', 'admin');
  alice = credential;
  // The connection name is the client's own choice: here it pretends to be someone else.
  acmeAdmin = await server.connect(credential.credsPath, 'root');
});

afterAll(async () => {
  await server?.stop();
});

const forged = () => {
  const h = headers();
  h.set('Gwpool-Actor', 'mallory@example.com');
  h.set(
    'Nats-Request-Info',
    JSON.stringify({ acc: globex.publicKey, user: 'UFORGEDUSERKEY', name_tag: 'root', tags: ['role:operator'] }),
  );
  return h;
};

describe('caller identity through an import, on the real nats-server', () => {
  it('replaces a forged Nats-Request-Info with what the server knows, and passes a forged Gwpool-Actor untouched', async () => {
    const seen = json(
      await acmeAdmin.request('gwpool.v1.acme.cmd.pool.create', '{}', { timeout: 5000, headers: forged() }),
    );
    const info = JSON.parse(seen.headers['Nats-Request-Info'] ?? '{}') as Record<string, unknown>;

    expect(info).toMatchObject({
      acc: acme.publicKey,
      user: alice.publicKey,
      name_tag: 'alice',
      tags: ['org:acme', 'role:admin'],
      name: 'root',
      kind: 'Client',
    });
    expect(Object.keys(info).sort()).toEqual(
      [
        ...['acc', 'client_type', 'host', 'id', 'issuer_key', 'jwt', 'kind', 'lang', 'name', 'name_tag', 'rtt'],
        ...['server', 'start', 'tags', 'user', 'ver'],
      ].sort(),
    );
    expect(seen.headers['Gwpool-Actor']).toBe('mallory@example.com');
    // …which is why the services take the actor from the verified identity and never from the header.
    expect(seen.caller).toEqual({
      kind: 'tenant',
      org: 'acme',
      account: acme.publicKey,
      actor: 'alice',
      actorKey: alice.publicKey,
      role: 'admin',
    });
  });

  it('reports only the account through an import that does not share identity (queries)', async () => {
    const seen = json(
      await acmeAdmin.request('gwpool.v1.acme.query.pool.list', '{}', { timeout: 5000, headers: forged() }),
    );
    const info = JSON.parse(seen.headers['Nats-Request-Info'] ?? '{}') as Record<string, unknown>;

    expect(Object.keys(info).sort()).toEqual(['acc', 'rtt']);
    expect(info['acc']).toBe(acme.publicKey);
    expect(seen.caller).toEqual({ kind: 'tenant', org: 'acme', account: acme.publicKey });
  });

  it('trusts a caller inside the services account, which may name the actor', async () => {
    const operator = await server.connect((await server.store.issueServiceUser('ops-cli', 'operator')).credsPath);
    const h = headers();
    h.set('Gwpool-Actor', 'ops@example.com');

    const seen = json(await operator.request('gwpool.v1.admin.entitlement.set', '{}', { timeout: 5000, headers: h }));

    expect(seen.headers['Nats-Request-Info']).toBeUndefined();
    expect(seen.caller).toEqual({ kind: 'trusted', actor: 'ops@example.com' });
  });

  it('lets a services-account caller write any Nats-Request-Info: that account is the root of trust', async () => {
    const operator = await server.connect((await server.store.issueServiceUser('ops-cli-2', 'operator')).credsPath);

    const seen = json(
      await operator.request('gwpool.v1.acme.cmd.pool.create', '{}', { timeout: 5000, headers: forged() }),
    );

    expect(JSON.parse(seen.headers['Nats-Request-Info'] ?? '{}')).toMatchObject({ acc: globex.publicKey });
    expect(seen.error).toEqual({ code: 'FORBIDDEN', message: "a caller of org 'globex' may not act for org 'acme'" });
  });

  it('answers FORBIDDEN when the account of the caller is not the org of the subject (defence in depth)', async () => {
    // A wrong binding stands in for a misconfigured import: the transport let it through, the service still refuses.
    try {
      server.directory.bind('globex', acme.publicKey);
      const crossed = json(await acmeAdmin.request('gwpool.v1.acme.cmd.pool.create', '{}'));
      server.directory.bind('globex', globex.publicKey);
      const unbound = json(await acmeAdmin.request('gwpool.v1.acme.query.pool.list', '{}'));

      expect(crossed.error).toEqual({
        code: 'FORBIDDEN',
        message: "a caller of org 'globex' may not act for org 'acme'",
      });
      expect(unbound.error).toEqual({ code: 'FORBIDDEN', message: `account '${acme.publicKey}' belongs to no org` });
    } finally {
      server.directory.bind('acme', acme.publicKey);
      server.directory.bind('globex', globex.publicKey);
    }
  });
});
