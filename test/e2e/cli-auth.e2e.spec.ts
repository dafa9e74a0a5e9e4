// `gwpool auth` run as an operator runs it, against a secured stack: the CLI opens the stack's own auth store, so
// what it creates, issues and revokes reaches the running nats-server as it would in production.
import { jest } from '@jest/globals';
import { StackAuth } from '@gwpool/nats-auth/testing';
import { TestStack } from '@gwpool/testing';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkedGwpool } from './cli-runner.js';

jest.setTimeout(120_000);

describe('gwpool auth: orgs and credentials while everything runs', () => {
  let auth: StackAuth;
  let stack: TestStack;
  let env: Record<string, string>;

  const { run: gwpool, ok } = checkedGwpool(() => env);
  const credsPathIn = (stdout: string) => /^\s+(\/\S+\.creds)\s/m.exec(stdout)?.[1] ?? '';

  beforeAll(async () => {
    auth = await StackAuth.open();
    stack = await TestStack.start({ tenancy: auth });
    env = { NATS_URL: stack.nats.url, GWPOOL_AUTH_DIR: auth.store.dir };
  });
  afterAll(() => stack?.stop());

  it('creates an org that works at once, and a user whose credential acts for it and for no other org', async () => {
    expect(await ok('auth', 'org', 'create', 'acme')).toMatch(/^created org acme \(account A[A-Z2-7]{55}\), bound/);
    await ok('auth', 'org', 'create', 'globex');
    const issued = await ok('auth', 'user', 'issue', 'acme', 'alice', '--role', 'admin');
    const alice = credsPathIn(issued);
    expect(alice).toMatch(/alice.*\.creds$/);

    expect(await ok('--creds', alice, '--org', 'acme', 'gateways', 'register', 'gw-1')).toContain('gw-1');
    const elsewhere = await gwpool('--creds', alice, '--org', 'globex', 'gateways', 'list');
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('Permissions Violation for Publish to "gwpool.v1.globex.query.gateway.list"');
    expect(JSON.parse(await ok('auth', 'org', 'list', '--json'))).toEqual({
      orgs: [
        { org: 'acme', accountPublicKey: expect.stringMatching(/^A/), disabled: false },
        { org: 'globex', accountPublicKey: expect.stringMatching(/^A/), disabled: false },
      ],
    });
  });

  it('issues a viewer that may look and not change', async () => {
    const viewer = credsPathIn(await ok('auth', 'user', 'issue', 'acme', 'victor', '--role', 'viewer'));

    expect(await ok('--creds', viewer, '--org', 'acme', 'gateways', 'list')).toContain('gw-1');
    const change = await gwpool('--creds', viewer, '--org', 'acme', 'gateways', 'register', 'gw-2');
    expect([change.code, change.stderr]).toEqual([1, expect.stringContaining('Permissions Violation')]);
  });

  it("issues a gateway credential that prints how to send the gateway's own heartbeat", async () => {
    const stdout = await ok('auth', 'gateway', 'issue', 'acme', 'gw-1');

    expect(stdout).toContain(`pub gwpool.v1.acme.heartbeat.gw-1 '{"check":"passed"}'`);
    const gateway = await stack.connectAs(credsPathIn(stdout), { reconnect: false });
    gateway.publish('gwpool.v1.acme.heartbeat.gw-1', { check: 'passed' });
    await gateway.flush();
    await gateway.close();
  });

  it('revokes a credential at once: a kept copy is refused, and says why', async () => {
    const robot = credsPathIn(await ok('auth', 'user', 'issue', 'acme', 'robot', '--role', 'router'));
    const copy = join(auth.store.dir, 'robot-copy.creds');
    await copyFile(robot, copy);

    expect(await ok('auth', 'revoke', 'acme', 'user', 'robot')).toMatch(/^revoked user robot of org acme/);

    const refused = await gwpool('--creds', copy, '--org', 'acme', 'route', 'pick', 'edge');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('authorization violation (is the credential revoked?)');
  });

  it('tells a caller without a credential how to give one, and refuses a bad role or an unknown org', async () => {
    const bare = await gwpool('--org', 'acme', 'gateways', 'list');
    expect([bare.code, bare.stderr]).toEqual([1, expect.stringContaining('pass --creds FILE or set NATS_CREDS')]);

    const role = await gwpool('auth', 'user', 'issue', 'acme', 'eve', '--role', 'root');
    expect([role.code, role.stderr]).toEqual([2, expect.stringContaining('must be one of admin, viewer, router')]);

    const unknown = await gwpool('auth', 'user', 'issue', 'initech', 'ivan', '--role', 'admin');
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('UNKNOWN_ORG')]);

    const twice = await gwpool('auth', 'org', 'create', 'acme');
    expect([twice.code, twice.stderr]).toEqual([1, "gwpool: ORG_EXISTS: org 'acme' already exists\n"]);
  });

  it("lets an operator's credential rebuild the projections, and refuses an org admin's", async () => {
    const operator = await auth.store.issueServiceUser('ops-cli', 'operator');
    const admin = credsPathIn(await ok('auth', 'user', 'issue', 'acme', 'ada', '--role', 'admin'));

    const refused = await gwpool('--creds', admin, 'projections', 'rebuild');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Permissions Violation');

    const done = JSON.parse(await ok('--creds', operator.credsPath, 'projections', 'rebuild', '--json')) as {
      state: string;
      namespace: string;
    };
    expect(done).toMatchObject({ state: 'done', namespace: 'gwpool_r1' });
  });
});
