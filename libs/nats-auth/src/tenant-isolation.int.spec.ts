import { jest } from '@jest/globals';
import { eventually } from '@gwpool/testing';
import { createAccount, createUser } from '@nats-io/nkeys';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keyPair, seedOf, userCreds } from './claims.js';
import {
  AuthServer,
  expectPublishRefused,
  expectRequestRefused,
  expectSubscribeRefused,
  json,
  violations,
} from './tenancy.fixture.spec.js';

jest.setTimeout(60_000);

let server: AuthServer;
let acmeAdmin: NatsConnection;
let acmeSeen: ReturnType<typeof violations>;

beforeAll(async () => {
  server = await AuthServer.start();
  await server.startStandIn();
  await server.createOrg('acme');
  await server.createOrg('globex');
  // nats.js's own credsAuthenticator: the creds file is the standard one any client reads.
  const alice = await server.store.issueUser('acme', 'alice', 'admin');
  acmeAdmin = await server.connect(alice.credsPath, 'alice-laptop', true);
  acmeSeen = violations(acmeAdmin);
});

afterAll(async () => {
  await server?.stop();
});

/** A user of the org's account with no permission at all, as only the operator could mint: the account alone limits it. */
async function unrestrictedUserOf(org: string): Promise<NatsConnection> {
  const data = JSON.parse(await readFile(join(server.store.dir, 'auth-store.json'), 'utf8')) as {
    orgs: { org: string; seed: string }[];
  };
  const seed = data.orgs.find((o) => o.org === org)!.seed;
  const { creds } = await userCreds(keyPair(seedOf(createUser())), keyPair(seed), { name: 'anything', tags: [] });
  const path = join(server.root, `unrestricted-${org}.creds`);
  await writeFile(path, creds, { mode: 0o600 });
  return server.connect(path, 'unrestricted');
}

describe('tenant isolation on the real nats-server', () => {
  it("answers an org's request through the import with a plain responder in the services account", async () => {
    const reply = json(await acmeAdmin.request('gwpool.v1.acme.cmd.pool.create', '{"name":"edge-eu"}'));

    expect(reply.subject).toBe('gwpool.v1.acme.cmd.pool.create');
    expect(reply.caller).toMatchObject({ kind: 'tenant', org: 'acme', actor: 'alice', role: 'admin' });
  });

  it.each(['cmd.pool.create', 'query.pool.list', 'route.report', 'heartbeat.gw-1'])(
    "refuses an org A client requesting and publishing on org B's %s",
    async (rest) => {
      await expectRequestRefused(acmeAdmin, `gwpool.v1.globex.${rest}`);
      await expectPublishRefused(acmeAdmin, acmeSeen, `gwpool.v1.globex.${rest}`);
    },
  );

  it.each(['gwpool.v1.globex.health.*', 'gwpool.v1.globex.alert.*', 'gwpool.v1.*.health.*', 'gwpool.v1.globex.cmd.>'])(
    'refuses an org A client subscribing to %s',
    async (subject) => {
      await expectSubscribeRefused(acmeAdmin, subject);
    },
  );

  it("delivers an org's own health and alerts to it, and another org's to that org only", async () => {
    const services = await server.startStandIn();
    const globexAdmin = await server.connect((await server.store.issueUser('globex', 'gina', 'admin')).credsPath);
    const got: string[] = [];
    acmeAdmin.subscribe('gwpool.v1.acme.health.*', {
      callback: (_e, m) => {
        got.push(`acme sees ${m.subject}`);
      },
    });
    acmeAdmin.subscribe('gwpool.v1.acme.alert.*', {
      callback: (_e, m) => {
        got.push(`acme sees ${m.subject}`);
      },
    });
    globexAdmin.subscribe('gwpool.v1.globex.health.*', {
      callback: (_e, m) => {
        got.push(`globex sees ${m.subject}`);
      },
    });
    await Promise.all([acmeAdmin.flush(), globexAdmin.flush()]);

    for (const subject of ['gwpool.v1.globex.health.p1', 'gwpool.v1.acme.health.p1', 'gwpool.v1.acme.alert.a1']) {
      services.publish(subject, '{}');
    }
    await services.flush();

    await expect(
      (async () => {
        while (got.length < 3) await new Promise((r) => setTimeout(r, 20));
        return [...got].sort();
      })(),
    ).resolves.toEqual([
      'acme sees gwpool.v1.acme.alert.a1',
      'acme sees gwpool.v1.acme.health.p1',
      'globex sees gwpool.v1.globex.health.p1',
    ]);
  });

  it("keeps even a user without permissions in org A's account away from org B: no route, no stream", async () => {
    const anyone = await unrestrictedUserOf('acme');

    await expect(anyone.request('gwpool.v1.globex.cmd.pool.create', '{}')).rejects.toThrow(/no responders/);
    await expect(anyone.request('gwpool.v1.globex.query.pool.list', '{}')).rejects.toThrow(/no responders/);
    await expect(anyone.request('gwpool.v1.admin.entitlement.set', '{}')).rejects.toThrow(/no responders/);

    const leaked: string[] = [];
    anyone.subscribe('gwpool.v1.globex.>', {
      callback: (_e, m) => {
        leaked.push(m.subject);
      },
    });
    anyone.subscribe('gwpool.v1.admin.>', {
      callback: (_e, m) => {
        leaked.push(m.subject);
      },
    });
    await anyone.flush();
    const services = await server.startStandIn();
    services.publish('gwpool.v1.globex.health.p1', '{}');
    services.publish('gwpool.v1.admin.notice', '{}');
    await services.flush();
    await anyone.flush();
    await new Promise((r) => setTimeout(r, 200));

    expect(leaked).toEqual([]);
  });

  it("lets gateway gw-1 publish its own heartbeat only: not gw-2's, no command, no subscription", async () => {
    const gateway = await server.connect((await server.store.issueGateway('acme', 'gw-1')).credsPath, 'gw-1');
    const seen = violations(gateway);

    gateway.publish('gwpool.v1.acme.heartbeat.gw-1', JSON.stringify({ check: 'passed' }));
    await expectPublishRefused(gateway, seen, 'gwpool.v1.acme.heartbeat.gw-2');
    await expectPublishRefused(gateway, seen, 'gwpool.v1.acme.cmd.pool.create');
    await expectPublishRefused(gateway, seen, 'gwpool.v1.acme.query.route.pick');
    await expectSubscribeRefused(gateway, 'gwpool.v1.acme.health.*');
    // No inbox either: a heartbeat sent as a request cannot receive its reply.
    await expect(gateway.request('gwpool.v1.acme.heartbeat.gw-1', '{}', { timeout: 2000 })).rejects.toThrow(
      /Permissions Violation for Subscription to "_INBOX\./,
    );
    await gateway.flush();

    // The request's message itself is published (its subject is allowed); only the reply cannot come back.
    const arrived = await eventually(
      () => server.heartbeats.filter((h) => h.subject.startsWith('gwpool.v1.acme.heartbeat.')),
      (found) => found.length >= 2,
    );
    expect(arrived.map((h) => h.subject)).toEqual(['gwpool.v1.acme.heartbeat.gw-1', 'gwpool.v1.acme.heartbeat.gw-1']);
    expect(arrived[0]?.caller).toMatchObject({ kind: 'tenant', org: 'acme' });
  });

  it('lets a viewer query but not send commands', async () => {
    const viewer = await server.connect((await server.store.issueUser('acme', 'vera', 'viewer')).credsPath);

    expect(json(await viewer.request('gwpool.v1.acme.query.pool.list', '{}')).caller).toMatchObject({ org: 'acme' });
    await expectRequestRefused(viewer, 'gwpool.v1.acme.cmd.pool.create');
    await expectRequestRefused(viewer, 'gwpool.v1.acme.cmd.gateway.register');
  });

  it('lets a router pick, resolve and report, but not change a pool nor list pools', async () => {
    const router = await server.connect((await server.store.issueUser('acme', 'edge-router', 'router')).credsPath);

    expect(json(await router.request('gwpool.v1.acme.query.route.pick', '{"poolId":"p1"}')).subject).toBe(
      'gwpool.v1.acme.query.route.pick',
    );
    expect(json(await router.request('gwpool.v1.acme.query.route.resolve', '{}')).subject).toBe(
      'gwpool.v1.acme.query.route.resolve',
    );
    expect(json(await router.request('gwpool.v1.acme.route.report', '{}')).caller).toMatchObject({
      actor: 'edge-router',
      role: 'router',
    });
    await expectRequestRefused(router, 'gwpool.v1.acme.cmd.pool.update');
    await expectRequestRefused(router, 'gwpool.v1.acme.cmd.pool.member.remove');
    await expectRequestRefused(router, 'gwpool.v1.acme.query.pool.list');
    await expectSubscribeRefused(router, 'gwpool.v1.acme.health.*');
  });

  it('keeps tenants off operator subjects', async () => {
    await expectRequestRefused(acmeAdmin, 'gwpool.v1.admin.entitlement.set');
    await expectRequestRefused(acmeAdmin, 'gwpool.internal.liveness');
  });

  it('refuses a connection without credentials, and one whose account the operator never signed', async () => {
    await expect(connect({ servers: server.nats.url, reconnect: false })).rejects.toThrow(/Authorization Violation/);

    const stranger = keyPair(seedOf(createUser()));
    const foreignAccount = keyPair(seedOf(createAccount()));
    const { creds } = await userCreds(stranger, foreignAccount, { name: 'stranger', tags: ['org:acme'] });
    const path = join(server.root, 'stranger.creds');
    await writeFile(path, creds, { mode: 0o600 });
    await expect(server.connect(path)).rejects.toThrow(/Authorization Violation/);
  });
});
