import { jest } from '@jest/globals';
import { StackAuth } from '@gwpool/nats-auth/testing';
import { openEventLog } from '@gwpool/storage';
import { eventually, PlainClient, type Reply, TestStack } from '@gwpool/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cmd, heartbeat, poolWith, query, registerGateways } from './fleet.js';

jest.setTimeout(120_000);

const codeOf = (reply: Reply) => (reply.ok ? 'OK' : reply.error.code);

/** What the server says to a connection when it refuses a publish or a subscription (asynchronously). */
function refusalsOf(nc: NatsConnection): string[] {
  const seen: string[] = [];
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'error') seen.push(status.error.message);
    }
  })();
  return seen;
}

async function expectRequestRefused(client: PlainClient, subject: string): Promise<void> {
  await expect(client.nc.request(subject, '{}', { timeout: 5000 })).rejects.toThrow(
    `Permissions Violation for Publish to "${subject}"`,
  );
}

async function expectSubscribeRefused(client: PlainClient, subject: string): Promise<void> {
  const closed = await client.nc.subscribe(subject).closed;
  expect(String(closed)).toContain(`Permissions Violation for Subscription to "${subject}"`);
}

async function expectPublishRefused(client: PlainClient, refusals: string[], subject: string): Promise<void> {
  client.nc.publish(subject, '{"check":"passed"}');
  await eventually(
    () => refusals.some((message) => message.includes(`Permissions Violation for Publish to "${subject}"`)),
    (found) => found,
    { label: `a refused publish on ${subject}`, timeoutMs: 5000 },
  );
}

describe('tenancy on NATS accounts: an org sees only itself, a gateway speaks for itself, the actor is who the server says', () => {
  let stack: TestStack;
  let auth: StackAuth;
  let acme: { admin: PlainClient; viewer: PlainClient; router: PlainClient; gateway: PlainClient };
  let globexAdmin: PlainClient;
  let alicePublicKey: string;
  let acmePool: string;
  let globexPool: string;
  const clients: PlainClient[] = [];
  const as = async (credsPath: string) => {
    const client = await stack.connectAs(credsPath);
    clients.push(client);
    return client;
  };

  const eventsOf = async (org: string) => {
    const log = await openEventLog(stack.env.EVENT_STORE_URL);
    try {
      return await log.readStream(`gwpool-org-${org}`);
    } finally {
      await log.close();
    }
  };

  beforeAll(async () => {
    auth = await StackAuth.open();
    stack = await TestStack.start({ tenancy: auth });
    await stack.createOrg('acme');
    await stack.createOrg('globex');
    await registerGateways(stack.client, 'acme', ['gw-1', 'gw-2']);
    await registerGateways(stack.client, 'globex', ['gw-9']);
    acmePool = await poolWith(stack.client, 'acme', 'edge-eu', ['gw-1', 'gw-2']);
    globexPool = await poolWith(stack.client, 'globex', 'edge-us', ['gw-9']);
    const alice = await auth.user('acme', 'alice', 'admin');
    alicePublicKey = alice.publicKey;
    acme = {
      admin: await as(alice.credsPath),
      viewer: await as((await auth.user('acme', 'victor', 'viewer')).credsPath),
      router: await as((await auth.user('acme', 'rita', 'router')).credsPath),
      gateway: await as((await auth.gateway('acme', 'gw-1')).credsPath),
    };
    globexAdmin = await as((await auth.user('globex', 'gina', 'admin')).credsPath);
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    await stack?.stop();
  });

  it('refuses a connection without credentials', async () => {
    await expect(PlainClient.connect(stack.nats.url)).rejects.toThrow(/Authorization Violation/i);
  });

  it("refuses a client of org A on org B's command, query, health and alert subjects", async () => {
    await expectRequestRefused(acme.admin, cmd('globex', 'pool.create'));
    await expectRequestRefused(acme.admin, query('globex', 'pool.list'));
    await expectRequestRefused(acme.admin, query('globex', 'route.pick'));
    await expectSubscribeRefused(acme.admin, `gwpool.v1.globex.health.${globexPool}`);
    await expectSubscribeRefused(acme.admin, 'gwpool.v1.globex.alert.*');
    await expectSubscribeRefused(acme.admin, 'gwpool.v1.*.health.*');
    // Its own org answers, so the refusals above are the transport's and not a stack that is down.
    expect(codeOf(await acme.admin.request(query('acme', 'pool.list'), {}))).toBe('OK');
    expect(codeOf(await globexAdmin.request(query('globex', 'pool.list'), {}))).toBe('OK');
  });

  it("refuses a tenant the operators' subjects", async () => {
    await expectRequestRefused(acme.admin, 'gwpool.v1.admin.entitlement.set');
    await expectRequestRefused(acme.admin, 'gwpool.v1.admin.org.account.set');
  });

  it('records the authenticated user as the actor, whatever Gwpool-Actor or Nats-Request-Info the request forges', async () => {
    const forged = {
      'Gwpool-Actor': 'mallory',
      'Nats-Request-Info': JSON.stringify({ acc: 'ANOTHER', name_tag: 'root', user: 'UFORGED' }),
    };
    const { poolId } = await acme.admin.ok<{ poolId: string }>(
      cmd('acme', 'pool.create'),
      { name: 'forged-actor' },
      { headers: forged },
    );

    const created = (await eventsOf('acme')).find(
      (e) => e.type === 'PoolCreated' && (e.data as { poolId: string }).poolId === poolId,
    );
    expect(created?.metadata).toMatchObject({ actor: 'alice', actorKey: alicePublicKey });
  });

  it("honours the actor an operator's tool names, from the services account", async () => {
    const { poolId } = await stack.client.ok<{ poolId: string }>(
      cmd('acme', 'pool.create'),
      { name: 'by-operator' },
      { headers: { 'Gwpool-Actor': 'ops@example.com' } },
    );

    const created = (await eventsOf('acme')).find(
      (e) => e.type === 'PoolCreated' && (e.data as { poolId: string }).poolId === poolId,
    );
    expect(created?.metadata['actor']).toBe('ops@example.com');
    expect(created?.metadata['actorKey']).toBeUndefined();
  });

  it('lets a gateway publish its own heartbeat and nothing else', async () => {
    const refusals = refusalsOf(acme.gateway.nc);
    acme.gateway.publish(heartbeat('acme', 'gw-1'), { check: 'passed' });
    await eventually(
      () => stack.client.request<{ gatewayId: string }>(query('acme', 'route.pick'), { poolId: acmePool }),
      (reply) => reply.ok && reply.value.gatewayId === 'gw-1',
      { label: 'gw-1 healthy from its own heartbeat' },
    );

    await expectPublishRefused(acme.gateway, refusals, heartbeat('acme', 'gw-2'));
    await expectPublishRefused(acme.gateway, refusals, heartbeat('globex', 'gw-9'));
    await expectPublishRefused(acme.gateway, refusals, cmd('acme', 'pool.delete'));
    await expectSubscribeRefused(acme.gateway, '_INBOX.>');
  });

  it('lets a viewer query and watch, and refuses it every command', async () => {
    expect(codeOf(await acme.viewer.request(query('acme', 'pool.get'), { poolId: acmePool }))).toBe('OK');
    await expectRequestRefused(acme.viewer, cmd('acme', 'pool.create'));
    await expectRequestRefused(acme.viewer, cmd('acme', 'gateway.register'));
    const watch = acme.viewer.nc.subscribe(`gwpool.v1.acme.health.*`, { max: 1, timeout: 10_000 });
    await acme.viewer.flush();
    // A new name is a new health update of the pool.
    await stack.client.ok(cmd('acme', 'pool.update'), { poolId: acmePool, name: 'edge-eu-watched' });
    for await (const msg of watch) expect(msg.subject).toBe(`gwpool.v1.acme.health.${acmePool}`);
    expect(watch.getProcessed()).toBe(1);
  });

  it('lets a router pick and resolve, and refuses it changes and other queries', async () => {
    const pick = await acme.router.request<{ gatewayId: string }>(query('acme', 'route.pick'), { poolId: acmePool });
    expect(codeOf(pick)).not.toBe('FORBIDDEN');
    await expectRequestRefused(acme.router, cmd('acme', 'pool.update'));
    await expectRequestRefused(acme.router, query('acme', 'pool.list'));
  });

  it('answers FORBIDDEN when an org is not bound to the account its tenant speaks from (defence in depth)', async () => {
    // The account exists and imports umbrella's subjects, but no operator bound umbrella to it.
    await auth.createOrg('umbrella');
    await registerGateways(stack.client, 'umbrella', ['gw-u']);
    const admin = await as((await auth.user('umbrella', 'uma', 'admin')).credsPath);

    const command = await admin.request(cmd('umbrella', 'pool.create'), { name: 'edge' });
    const list = await admin.request(query('umbrella', 'pool.list'), {});

    for (const reply of [command, list]) {
      expect(codeOf(reply)).toBe('FORBIDDEN');
      expect(reply.ok ? '' : reply.error.message).toMatch(/^account 'A[A-Z2-7]{55}' may not act for org 'umbrella'$/);
      expect(reply.headers?.get('Nats-Service-Error-Code')).toBe('403');
    }
    const gateway = await as((await auth.gateway('umbrella', 'gw-u')).credsPath);
    gateway.publish(heartbeat('umbrella', 'gw-u'), { check: 'passed' });
    await eventually(
      () => stack.client.ok<{ forbidden: number }>('gwpool.v1.admin.heartbeat-ingest.stats', {}),
      (stats) => stats.forbidden >= 1,
      { label: "umbrella's heartbeat dropped as forbidden" },
    );
  });

  it('makes an org created at runtime work at once, with no restart', async () => {
    await stack.createOrg('initech');
    const admin = await as((await auth.user('initech', 'ivan', 'admin')).credsPath);

    expect(codeOf(await admin.request(cmd('initech', 'gateway.register'), { gatewayId: 'gw-i' }))).toBe('OK');
    expect(codeOf(await admin.request(query('initech', 'gateway.list'), {}))).toBe('OK');
  });

  it('cuts off a revoked credential at once, its open connection included, with no restart', async () => {
    const credential = await auth.user('acme', 'temp', 'viewer');
    const copy = join(auth.store.dir, 'kept-copy.creds');
    await copyFile(credential.credsPath, copy);
    const temp = await stack.connectAs(credential.credsPath, { reconnect: false });
    expect(codeOf(await temp.request(query('acme', 'pool.list'), {}))).toBe('OK');
    const refusals = refusalsOf(temp.nc);
    const closed = temp.nc.closed();

    await auth.revoke('acme', 'user', 'temp');

    const reason = await closed;
    expect([...refusals, String(reason)].join('; ')).toMatch(/User Authentication Revoked/);
    await expect(stack.connectAs(copy, { reconnect: false })).rejects.toThrow(/Authorization Violation/);
    // Only that credential: the org's other users go on.
    expect(codeOf(await acme.viewer.request(query('acme', 'pool.list'), {}))).toBe('OK');
  });
});
