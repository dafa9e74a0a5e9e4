import { jest } from '@jest/globals';
import { createAccount, createOperator, createUser } from '@nats-io/nkeys';
import type { NatsConnection } from '@nats-io/transport-node';
import { copyFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { AuthStore } from './auth-store.js';
import { keyPair, plainAccountJwt, seedOf, userCreds } from './claims.js';
import { AuthServer, json } from './tenancy.fixture.spec.js';

jest.setTimeout(90_000);

/** Why the server closed a connection: the error of the last status event before it closed. */
async function closedBecause(nc: NatsConnection): Promise<string> {
  const errors: string[] = [];
  void (async () => {
    for await (const s of nc.status()) if (s.type === 'error') errors.push(s.error.message);
  })();
  const closed = await nc.closed();
  return [...errors, closed instanceof Error ? closed.message : ''].join('; ');
}

describe('orgs and credentials changed at runtime, on the real nats-server', () => {
  let server: AuthServer;

  beforeAll(async () => {
    server = await AuthServer.start();
    await server.startStandIn();
    await server.createOrg('acme');
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('serves an org created while the server runs at once, with no restart and no config change', async () => {
    await server.createOrg('initech');
    const admin = await server.connect((await server.store.issueUser('initech', 'peter', 'admin')).credsPath);

    const seen = json(await admin.request('gwpool.v1.initech.cmd.pool.create', '{}'));

    expect(seen.caller).toMatchObject({ kind: 'tenant', org: 'initech', actor: 'peter' });
  });

  it('cuts a revoked user off while connected and refuses it afterwards, without a restart', async () => {
    const credential = await server.store.issueUser('acme', 'alice', 'admin');
    const alice = await server.connect(credential.credsPath);
    expect(json(await alice.request('gwpool.v1.acme.query.pool.list', '{}')).caller).toMatchObject({ org: 'acme' });
    const reason = closedBecause(alice);

    const { revoked } = await server.store.revoke('acme', 'user', 'alice');

    expect(revoked.map((c) => c.publicKey)).toEqual([credential.publicKey]);
    expect(await reason).toMatch(/User Authentication Revoked/);
    await expect(server.connect(credential.credsPath)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a revoked credential that a client kept a copy of', async () => {
    const credential = await server.store.issueUser('acme', 'bob', 'viewer');
    const copy = `${credential.credsPath}.copy`;
    await copyFile(credential.credsPath, copy);

    await server.store.revoke('acme', 'user', 'bob');

    await expect(server.connect(copy)).rejects.toThrow(/Authorization Violation/);
  });

  it('takes the last account JWT pushed, even an older one: which is why pushes follow the order of changes', async () => {
    const credential = await server.store.issueUser('acme', 'grace', 'viewer');
    const copy = `${credential.credsPath}.copy`;
    await copyFile(credential.credsPath, copy);
    const before = server.store.org('acme')!;

    await server.store.revoke('acme', 'user', 'grace');
    await expect(server.connect(copy)).rejects.toThrow(/Authorization Violation/);
    await server.push(before);
    const revived = await server.connect(copy);
    await server.store.applyAll();

    expect(await closedBecause(revived)).toMatch(/User Authentication Revoked/);
    await expect(server.connect(copy)).rejects.toThrow(/Authorization Violation/);
  });

  it('applies every revocation when two tools revoke at the same moment', async () => {
    const names = ['carol', 'dave', 'erin', 'frank'];
    const copies: string[] = [];
    for (const name of names) {
      const credential = await server.store.issueUser('acme', name, 'viewer');
      copies.push(`${credential.credsPath}.copy`);
      await copyFile(credential.credsPath, copies.at(-1)!);
    }
    const connections: NatsConnection[] = [];
    for (const copy of copies) connections.push(await server.connect(copy));
    const reasons = connections.map(closedBecause);
    // A second tool on the same store: the server takes the last JWT it gets, so pushes must keep commit order.
    const otherTool = await AuthStore.open(server.store.dir);
    otherTool.applyChangesWith((account) => server.push(account));

    await Promise.all(names.map((name, i) => (i % 2 ? otherTool : server.store).revoke('acme', 'user', name)));

    for (const reason of reasons) expect(await reason).toMatch(/User Authentication Revoked/);
    for (const copy of copies) await expect(server.connect(copy)).rejects.toThrow(/Authorization Violation/);
  });

  it('stops a revoked gateway from sending heartbeats', async () => {
    const credential = await server.store.issueGateway('acme', 'gw-9');
    const copy = `${credential.credsPath}.copy`;
    await copyFile(credential.credsPath, copy);
    const gateway = await server.connect(copy);
    const reason = closedBecause(gateway);

    await server.store.revoke('acme', 'gateway', 'gw-9');

    expect(await reason).toMatch(/User Authentication Revoked/);
    await expect(server.connect(copy)).rejects.toThrow(/Authorization Violation/);
  });

  it('cuts a revoked services-account user off', async () => {
    const credential = await server.store.issueServiceUser('old-tool', 'operator');
    const tool = await server.connect(credential.credsPath);
    const reason = closedBecause(tool);

    await server.store.revokeServiceUser('old-tool');

    expect(await reason).toMatch(/User Authentication Revoked/);
  });

  it('disables a whole org: its clients are closed and refused, other orgs carry on', async () => {
    await server.createOrg('umbrella');
    const credential = await server.store.issueUser('umbrella', 'albert', 'admin');
    const copy = `${credential.credsPath}.copy`;
    await copyFile(credential.credsPath, copy);
    const albert = await server.connect(copy);
    const reason = closedBecause(albert);
    const other = await server.connect((await server.store.issueUser('acme', 'frank', 'viewer')).credsPath);

    await server.store.disableOrg('umbrella');

    expect(await reason).toMatch(/maximum account active connections exceeded|Authentication Revoked/);
    await expect(server.connect(copy)).rejects.toThrow(/maximum account active connections exceeded|Authorization/);
    expect(json(await other.request('gwpool.v1.acme.query.pool.list', '{}')).caller).toMatchObject({ org: 'acme' });
  });

  it('grants nothing for an account JWT that another operator signed, even when pushed', async () => {
    const rogueOperator = keyPair(seedOf(createOperator()));
    const rogue = keyPair(seedOf(createAccount()));
    const jwt = await plainAccountJwt('rogue', rogue, rogueOperator);

    // The resolver stores whatever a system user sends; trust is checked when the account is used.
    await server.push({ name: 'rogue', publicKey: rogue.getPublicKey(), jwt });
    const { creds } = await userCreds(keyPair(seedOf(createUser())), rogue, { name: 'mallory', tags: [] });
    const path = join(server.root, 'rogue.creds');
    await writeFile(path, creds, { mode: 0o600 });

    await expect(server.connect(path)).rejects.toThrow(/Authorization Violation/);
  });

  it('keeps orgs created and revocations pushed at runtime across a server restart', async () => {
    await server.createOrg('hooli');
    const gavin = await server.store.issueUser('hooli', 'gavin', 'admin');
    const kept = `${gavin.credsPath}.copy`;
    await copyFile(gavin.credsPath, kept);
    const richard = await server.store.issueUser('hooli', 'richard', 'admin');
    await server.store.revoke('hooli', 'user', 'gavin');

    await server.restart();
    await server.startStandIn();

    const admin = await server.connect(richard.credsPath);
    expect(json(await admin.request('gwpool.v1.hooli.cmd.pool.create', '{}')).caller).toMatchObject({ org: 'hooli' });
    await expect(server.connect(kept)).rejects.toThrow(/Authorization Violation/);
  });
});

describe('a WebSocket listener for a dashboard', () => {
  it('accepts a WebSocket upgrade on loopback and asks for authentication', async () => {
    const server = await AuthServer.start({ websocket: true });
    const port = Number(new URL(server.nats.websocketUrl ?? '').port);
    try {
      const info = await new Promise<string>((resolve, reject) => {
        const req = request({
          host: '127.0.0.1',
          port,
          headers: {
            Connection: 'Upgrade',
            Upgrade: 'websocket',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': Buffer.from('gwpool-dashboard!').toString('base64'),
          },
        });
        req.on('upgrade', (res, socket, head) => {
          expect(res.statusCode).toBe(101);
          // The first frame is the server's INFO as unmasked text, maybe already read with the response.
          const read = (frame: Buffer) => {
            socket.destroy();
            resolve(frame.subarray(frame.indexOf('INFO')).toString('utf8'));
          };
          if (head.length > 0) read(head);
          else socket.once('data', read);
        });
        req.on('response', (res) => reject(new Error(`no upgrade: HTTP ${res.statusCode}`)));
        req.on('error', reject);
        req.end();
      });

      expect(info).toMatch(/^INFO \{/);
      expect(JSON.parse(info.slice(5))).toMatchObject({ auth_required: true });
    } finally {
      await server.stop();
    }
  });
});
