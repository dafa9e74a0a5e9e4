import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthError } from './auth-error.js';
import { AuthStore } from './auth-store.js';

let dir: string;

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'gwpool-auth-')), 'auth');
});

afterEach(async () => {
  await rm(join(dir, '..'), { recursive: true, force: true });
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

/** A JWT's claims, without checking the signature. */
function claimsOf<T>(jwt: string): { iss: string; sub: string; name: string; nats: T } {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as never;
}

const jwtOfCreds = (creds: string) => /-----BEGIN NATS USER JWT-----\n(\S+)/.exec(creds)![1]!;

async function refusal(run: () => Promise<unknown>): Promise<AuthError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('expected an AuthError');
}

describe('auth store', () => {
  it('creates the operator, system and services accounts once, readable by its owner only', async () => {
    const first = await AuthStore.open(dir);
    const again = await AuthStore.open(dir);

    expect(again.operatorJwt).toBe(first.operatorJwt);
    expect(again.servicesAccount).toEqual(first.servicesAccount);
    expect(claimsOf<{ system_account: string }>(first.operatorJwt).nats.system_account).toBe(
      first.systemAccount.publicKey,
    );
    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(join(dir, 'auth-store.json'))).toBe(0o600);
    expect(await modeOf(first.claimsPusherCredsPath)).toBe(0o600);
  });

  it('issues an org user as a 0600 creds file signed by the org account, and keeps no user seed', async () => {
    const store = await AuthStore.open(dir);
    const acme = await store.createOrg('acme');
    const alice = await store.issueUser('acme', 'alice', 'admin');
    const creds = await readFile(alice.credsPath, 'utf8');
    const claims = claimsOf<{ tags: string[]; pub: { allow: string[] } }>(jwtOfCreds(creds));
    const seed = /-----BEGIN USER NKEY SEED-----\n(\S+)/.exec(creds)![1]!;

    expect(alice).toMatchObject({ org: 'acme', kind: 'user', name: 'alice', role: 'admin' });
    expect(await modeOf(alice.credsPath)).toBe(0o600);
    expect([claims.iss, claims.sub, claims.name]).toEqual([acme.publicKey, alice.publicKey, 'alice']);
    expect(claims.nats.tags).toEqual(['org:acme', 'role:admin']);
    expect(claims.nats.pub.allow).toContain('gwpool.v1.acme.cmd.>');
    expect(await readFile(join(dir, 'auth-store.json'), 'utf8')).not.toContain(seed);
  });

  it("issues a gateway credential limited to the gateway's own heartbeat", async () => {
    const store = await AuthStore.open(dir);
    await store.createOrg('acme');
    const gateway = await store.issueGateway('acme', 'gw-1');
    const claims = claimsOf<{ tags: string[]; pub: unknown; sub: unknown }>(
      jwtOfCreds(await readFile(gateway.credsPath, 'utf8')),
    );

    expect(claims.nats.tags).toEqual(['org:acme', 'role:gateway', 'gateway:gw-1']);
    expect(claims.nats.pub).toEqual({ allow: ['gwpool.v1.acme.heartbeat.gw-1'] });
    expect(claims.nats.sub).toEqual({ deny: ['>'] });
  });

  it('refuses bad, reserved and duplicate names with stable codes', async () => {
    const store = await AuthStore.open(dir);
    await store.createOrg('acme');
    await store.issueUser('acme', 'alice', 'viewer');

    expect((await refusal(() => store.createOrg('admin'))).code).toBe('INVALID_NAME');
    expect((await refusal(() => store.createOrg('bad$org'))).code).toBe('INVALID_NAME');
    expect((await refusal(() => store.createOrg('__proto__'))).code).toBe('INVALID_NAME');
    expect((await refusal(() => store.createOrg('ACME'))).message).toBe("org 'acme' already exists");
    expect((await refusal(() => store.issueUser('acme', 'alice', 'admin'))).code).toBe('ALREADY_ISSUED');
    expect((await refusal(() => store.issueUser('acme', 'bob', 'root' as never))).code).toBe('INVALID_NAME');
    expect((await refusal(() => store.issueUser('globex', 'bob', 'admin'))).code).toBe('UNKNOWN_ORG');
    expect((await refusal(() => store.issueGateway('acme', 'gw.1'))).code).toBe('INVALID_NAME');
  });

  it('revokes a credential in the org JWT, removes its creds file, and lets the name be issued again', async () => {
    const store = await AuthStore.open(dir);
    await store.createOrg('acme');
    const alice = await store.issueUser('acme', 'alice', 'admin');
    const { org, revoked } = await store.revoke('acme', 'user', 'alice');
    const revocations = claimsOf<{ revocations: Record<string, number> }>(org.jwt).nats.revocations;

    expect(revoked.map((c) => c.publicKey)).toEqual([alice.publicKey]);
    expect(revocations[alice.publicKey]).toBeGreaterThanOrEqual(alice.issuedAt);
    await expect(stat(alice.credsPath)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await refusal(() => store.revoke('acme', 'user', 'alice'))).code).toBe('NOT_ISSUED');
    expect((await store.issueUser('acme', 'alice', 'viewer')).publicKey).not.toBe(alice.publicKey);
  });

  it('disables an org: no connection, no import, every credential revoked, no new one', async () => {
    const store = await AuthStore.open(dir);
    await store.createOrg('acme');
    await store.issueUser('acme', 'alice', 'admin');
    await store.issueGateway('acme', 'gw-1');
    const acme = await store.disableOrg('acme');
    const claims = claimsOf<{ limits: { conn: number }; imports?: unknown; revocations: Record<string, number> }>(
      acme.jwt,
    );

    expect(acme.disabled).toBe(true);
    expect(claims.nats.limits.conn).toBe(0);
    expect(claims.nats.imports).toBeUndefined();
    expect(Object.keys(claims.nats.revocations)).toContain('*');
    expect(store.credentials('acme').every((c) => c.revokedAt !== undefined)).toBe(true);
    expect((await refusal(() => store.issueUser('acme', 'bob', 'admin'))).code).toBe('ORG_DISABLED');
  });

  it('loses no change when two tools change the store at once', async () => {
    const [one, two] = await Promise.all([AuthStore.open(dir), AuthStore.open(dir)]);
    await Promise.all([
      ...['a1', 'a2', 'a3'].map((org) => one.createOrg(org)),
      ...['b1', 'b2', 'b3'].map((org) => two.createOrg(org)),
    ]);

    expect(
      (await AuthStore.open(dir))
        .orgs()
        .map((o) => o.org)
        .sort(),
    ).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3']);
  });

  it('refuses a store file it cannot read rather than starting afresh', async () => {
    await AuthStore.open(dir);
    await writeFile(join(dir, 'auth-store.json'), '{"version":1,"operator":');

    const error = await refusal(() => AuthStore.open(dir));

    expect(error.code).toBe('STORE_UNREADABLE');
    expect(error.message).toMatch(/is unreadable: not JSON/);
  });
});
