// Over 200 lines: one class holds every change to the store, so that each runs under the same lock and commit.
import { createAccount, createOperator, type KeyPair } from '@nats-io/nkeys';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AuthError } from './auth-error.js';
import {
  checkName,
  checkOrgName,
  type CredentialKind,
  type CredentialRecord,
  liveCredentials,
  type OrgRecord,
  parseStore,
  revocationsOf,
  type StoreData,
} from './auth-store-model.js';
import { keyPair, operatorJwt, orgAccountJwt, plainAccountJwt, seedOf, servicesAccountJwt } from './claims.js';
import { type CredentialSpec, issueCredential } from './credential-issuer.js';
import { privateDir, readIfExists, withLock, writePrivateFile } from './private-files.js';
import {
  claimsPusherPermissions,
  gatewayPermissions,
  isOrgRole,
  isServicesRole,
  type OrgRole,
  orgRolePermissions,
  type Permissions,
  type Role,
  type ServicesRole,
  servicesRolePermissions,
} from './role-permissions.js';

export interface AccountInfo {
  name: string;
  publicKey: string;
  jwt: string;
}

export interface OrgInfo extends AccountInfo {
  org: string;
  disabled: boolean;
}

/** A credential as the store reports it: public facts only. */
export interface CredentialInfo {
  org?: string;
  kind: CredentialKind;
  name: string;
  role: Role;
  publicKey: string;
  issuedAt: number;
  revokedAt?: number;
  /** Absolute path of the `.creds` file (mode 0600); gone once revoked. */
  credsPath: string;
}

/** Makes a running server take an account's new JWT: in practice pushAccountJwt on a claims pusher connection. */
export type ApplyAccount = (account: AccountInfo) => Promise<void>;

const STORE_FILE = 'auth-store.json';
const CLAIMS_PUSHER = 'claims-pusher';
type AfterCommit = (action: () => Promise<void>) => void;

/**
 * Keys, account JWTs and issued credentials of one deployment, in a directory only its owner can read.
 * Every change re-reads the file under a lock and writes it back atomically, so concurrent tools lose nothing;
 * files follow the commit (a `.creds` file is written only once its credential is recorded).
 * Reads answer from this handle's last view (its opening or its own last change): open the store again to see
 * another tool's changes. The store holds the operator's and the accounts' seeds: see docs/security.md.
 */
export class AuthStore {
  private apply: ApplyAccount | undefined;

  private constructor(
    readonly dir: string,
    private data: StoreData,
  ) {}

  /** Opens the store in `dir`, creating the operator, the system and the services accounts the first time. */
  static async open(dir: string): Promise<AuthStore> {
    const root = resolve(dir);
    await privateDir(root);
    const data = await withLock(join(root, '.lock'), async () => {
      const existing = await readIfExists(join(root, STORE_FILE));
      if (existing !== undefined) return parseStore(existing, join(root, STORE_FILE));
      const { data: created, pusherCreds } = await createStore();
      await writePrivateFile(join(root, STORE_FILE), JSON.stringify(created, null, 2));
      await writePrivateFile(join(root, created.credentials[0]!.credsFile), pusherCreds);
      return created;
    });
    return new AuthStore(root, data);
  }

  /**
   * From now on, each account a change touches is applied with `apply` right after the change is saved, still under
   * the lock. A full resolver takes the last JWT it is sent, even an older one (seen on 2.9.10), so two tools' pushes
   * must never overtake each other. When `apply` fails the change stays saved: `applyAll` brings the server level.
   */
  applyChangesWith(apply: ApplyAccount | undefined): void {
    this.apply = apply;
  }

  /** Applies the latest JWT of the services account and of every org, under the lock: after a server lost state. */
  async applyAll(): Promise<void> {
    await this.change(async (data, _after, applied) => {
      for (const account of [data.services, ...data.orgs]) applied(account);
    });
  }

  get operatorJwt(): string {
    return this.data.operator.jwt;
  }

  get systemAccount(): AccountInfo {
    return accountInfo(this.data.system);
  }

  get servicesAccount(): AccountInfo {
    return accountInfo(this.data.services);
  }

  /** The system-account credential that may push account JWTs, and nothing else. */
  get claimsPusherCredsPath(): string {
    const pusher = this.data.credentials.find((c) => c.kind === 'system' && c.name === CLAIMS_PUSHER);
    return join(this.dir, pusher!.credsFile);
  }

  org(org: string): OrgInfo | undefined {
    const found = this.data.orgs.find((o) => o.org === org);
    return found && orgInfo(found);
  }

  orgs(): OrgInfo[] {
    return this.data.orgs.map(orgInfo);
  }

  /** Every account JWT the server must know: system, services and each org. */
  accounts(): AccountInfo[] {
    return [this.systemAccount, this.servicesAccount, ...this.orgs()];
  }

  /** Credentials of an org, or of the services and system accounts when no org is given. */
  credentials(org?: string): CredentialInfo[] {
    const records = org === undefined ? this.data.credentials : requireOrg(this.data, org).credentials;
    return records.map((c) => this.credentialInfo(c, org));
  }

  async createOrg(name: string): Promise<OrgInfo> {
    const org = checkOrgName(name);
    return this.change(async (data, _after, applied) => {
      const clash = data.orgs.find((o) => o.org.toLowerCase() === org.toLowerCase());
      if (clash) throw new AuthError('ORG_EXISTS', `org '${clash.org}' already exists`);
      const account = keyPair(seedOf(createAccount()));
      const record: OrgRecord = {
        org,
        name: org,
        seed: seedOf(account),
        publicKey: account.getPublicKey(),
        jwt: '',
        credentials: [],
      };
      record.jwt = await orgJwt(data, record);
      data.orgs.push(record);
      applied(record);
      return orgInfo(record);
    });
  }

  async issueUser(org: string, name: string, role: OrgRole): Promise<CredentialInfo> {
    if (!isOrgRole(role)) throw new AuthError('INVALID_NAME', 'role must be admin, viewer or router');
    const spec = { kind: 'user', name: checkName('a user name', name), role, org } as const;
    return this.issueInOrg(spec, orgRolePermissions(org, role));
  }

  async issueGateway(org: string, gatewayId: string): Promise<CredentialInfo> {
    const spec = { kind: 'gateway', name: checkName('a gateway id', gatewayId), role: 'gateway', org } as const;
    return this.issueInOrg(spec, gatewayPermissions(org, spec.name));
  }

  /** A user of the services account: one of the services, or an operator's tool. */
  async issueServiceUser(name: string, role: ServicesRole): Promise<CredentialInfo> {
    if (!isServicesRole(role)) throw new AuthError('INVALID_NAME', 'role must be service or operator');
    const spec = { kind: 'service', name: checkName('a user name', name), role } as const;
    return this.change(async (data, after) => {
      refuseDuplicate(data.credentials, spec, 'the services account');
      const tags = [`role:${role}`];
      const issued = await issueCredential(data.services.seed, spec, servicesRolePermissions(role), tags);
      data.credentials.push(issued.record);
      after(() => writePrivateFile(join(this.dir, issued.record.credsFile), issued.creds));
      return this.credentialInfo(issued.record);
    });
  }

  /** Revokes every live credential of that kind and name in the org. */
  async revoke(
    org: string,
    kind: 'user' | 'gateway',
    name: string,
  ): Promise<{ org: OrgInfo; revoked: CredentialInfo[] }> {
    return this.change(async (data, after, applied) => {
      const record = requireOrg(data, org);
      const revoked = this.revokeIn(record.credentials, kind, name, `org '${org}'`, after);
      record.jwt = await orgJwt(data, record);
      applied(record);
      return { org: orgInfo(record), revoked: revoked.map((c) => this.credentialInfo(c, org)) };
    });
  }

  /** Revokes a services-account user. */
  async revokeServiceUser(name: string): Promise<{ account: AccountInfo; revoked: CredentialInfo[] }> {
    return this.change(async (data, after, applied) => {
      const revoked = this.revokeIn(data.credentials, 'service', name, 'the services account', after);
      const { services, operator } = data;
      const revocations = revocationsOf(data.credentials);
      services.jwt = await servicesAccountJwt(
        services.name,
        keyPair(services.seed),
        keyPair(operator.seed),
        revocations,
      );
      applied(services);
      return { account: accountInfo(services), revoked: revoked.map((c) => this.credentialInfo(c)) };
    });
  }

  /**
   * Cuts a whole org off: no connection is accepted (connected clients are closed), no import remains, and every
   * credential issued so far is revoked. The org's name stays taken.
   */
  async disableOrg(org: string): Promise<OrgInfo> {
    return this.change(async (data, after, applied) => {
      const record = requireOrg(data, org);
      if (record.disabledAt !== undefined) return orgInfo(record);
      const now = nowSeconds();
      record.disabledAt = now;
      for (const c of liveCredentials(record.credentials)) this.markRevoked(c, now, after);
      record.jwt = await orgJwt(data, record);
      applied(record);
      return orgInfo(record);
    });
  }

  private issueInOrg(spec: CredentialSpec & { org: string }, permissions: Permissions): Promise<CredentialInfo> {
    return this.change(async (data, after) => {
      const record = requireOrg(data, spec.org);
      if (record.disabledAt !== undefined) throw new AuthError('ORG_DISABLED', `org '${spec.org}' is disabled`);
      refuseDuplicate(record.credentials, spec, `org '${spec.org}'`);
      const tags = [
        `org:${spec.org}`,
        `role:${spec.role}`,
        ...(spec.kind === 'gateway' ? [`gateway:${spec.name}`] : []),
      ];
      const issued = await issueCredential(record.seed, spec, permissions, tags);
      record.credentials.push(issued.record);
      after(() => writePrivateFile(join(this.dir, issued.record.credsFile), issued.creds));
      return this.credentialInfo(issued.record, spec.org);
    });
  }

  private revokeIn(
    records: CredentialRecord[],
    kind: CredentialKind,
    name: string,
    where: string,
    after: AfterCommit,
  ): CredentialRecord[] {
    const live = liveCredentials(records).filter((c) => c.kind === kind && c.name === name);
    if (live.length === 0) throw new AuthError('NOT_ISSUED', `${where} has no live ${kind} credential '${name}'`);
    const now = nowSeconds();
    for (const c of live) this.markRevoked(c, now, after);
    return live;
  }

  /** A revocation refuses every JWT of that key issued at or before it: never earlier than the JWT itself. */
  private markRevoked(c: CredentialRecord, now: number, after: AfterCommit): void {
    c.revokedAt = Math.max(now, c.issuedAt);
    after(() => rm(join(this.dir, c.credsFile), { force: true }));
  }

  private credentialInfo(c: CredentialRecord, org?: string): CredentialInfo {
    const { credsFile, ...facts } = c;
    return { ...(org === undefined ? {} : { org }), ...facts, credsPath: join(this.dir, credsFile) };
  }

  /** Re-reads the store under the lock, applies `mutate`, writes it back, then runs the file actions it queued. */
  private async change<T>(
    mutate: (data: StoreData, after: AfterCommit, applied: (account: AccountInfo) => void) => Promise<T>,
  ): Promise<T> {
    const path = join(this.dir, STORE_FILE);
    return withLock(join(this.dir, '.lock'), async () => {
      const data = parseStore((await readIfExists(path)) ?? '', path);
      const actions: (() => Promise<void>)[] = [];
      const accounts: AccountInfo[] = [];
      const result = await mutate(
        data,
        (action) => actions.push(action),
        (account) => accounts.push(account),
      );
      await writePrivateFile(path, JSON.stringify(data, null, 2));
      this.data = data;
      for (const action of actions) await action();
      if (this.apply) for (const account of accounts) await this.apply(accountInfo(account));
      return result;
    });
  }
}

async function createStore(): Promise<{ data: StoreData; pusherCreds: string }> {
  const [operator, system, services] = [createOperator(), createAccount(), createAccount()].map((kp) =>
    keyPair(seedOf(kp)),
  ) as [KeyPair, KeyPair, KeyPair];
  const record = (name: string, kp: KeyPair, jwt: string) => ({
    name,
    seed: seedOf(kp),
    publicKey: kp.getPublicKey(),
    jwt,
  });
  const spec = { kind: 'system', name: CLAIMS_PUSHER, role: 'system' } as const;
  const pusher = await issueCredential(seedOf(system), spec, claimsPusherPermissions(), ['role:system']);
  const data: StoreData = {
    version: 1,
    operator: record('gwpool', operator, await operatorJwt('gwpool', operator, system.getPublicKey())),
    system: record('SYS', system, await plainAccountJwt('SYS', system, operator)),
    services: record(
      'gwpool-services',
      services,
      await servicesAccountJwt('gwpool-services', services, operator, new Map()),
    ),
    credentials: [pusher.record],
    orgs: [],
  };
  return { data, pusherCreds: pusher.creds };
}

function orgJwt(data: StoreData, record: OrgRecord): Promise<string> {
  const state = { revocations: revocationsOf(record.credentials), disabledAt: record.disabledAt };
  const [account, services, operator] = [record.seed, data.services.seed, data.operator.seed].map(keyPair);
  return orgAccountJwt(record.org, account!, services!, operator!, state);
}

function requireOrg(data: StoreData, org: string): OrgRecord {
  const found = data.orgs.find((o) => o.org === org);
  if (!found) throw new AuthError('UNKNOWN_ORG', `org '${org}' does not exist; create it first`);
  return found;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

const accountInfo = ({ name, publicKey, jwt }: AccountInfo): AccountInfo => ({ name, publicKey, jwt });

const orgInfo = (o: OrgRecord): OrgInfo => ({ ...accountInfo(o), org: o.org, disabled: o.disabledAt !== undefined });

function refuseDuplicate(records: CredentialRecord[], spec: CredentialSpec, where: string): void {
  if (liveCredentials(records).some((c) => c.kind === spec.kind && c.name === spec.name)) {
    throw new AuthError(
      'ALREADY_ISSUED',
      `${where} already has a live ${spec.kind} credential '${spec.name}'; revoke it first`,
    );
  }
}
