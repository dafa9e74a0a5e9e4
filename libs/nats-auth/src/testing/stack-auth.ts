import type { Authenticator, NatsConnection } from '@nats-io/transport-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthStore, type CredentialInfo } from '../auth-store.js';
import { connectClaimsPusher, pushAccountJwt } from '../claims-push.js';
import { readNatsCreds } from '../creds-authenticator.js';
import type { OrgRole } from '../role-permissions.js';
import { serverConfigOf } from '../server-config.js';

/**
 * The tenancy of a secured test stack (`TestStack.start({ tenancy })`): an auth store in a directory of its own, the
 * operator-mode part of the stack's nats-server configuration, and every later change pushed to that server at
 * once, as `gwpool auth` does.
 */
export class StackAuth {
  private pusher?: NatsConnection;

  private constructor(
    private readonly root: string,
    readonly store: AuthStore,
  ) {}

  static async open(): Promise<StackAuth> {
    const root = await mkdtemp(join(process.env['GWPOOL_TEST_TMPDIR'] ?? tmpdir(), 'gwpool-stack-auth-'));
    return new StackAuth(root, await AuthStore.open(join(root, 'auth')));
  }

  serverConfig(): string {
    return serverConfigOf(this.store, { resolverDir: join(this.root, 'resolver') });
  }

  /** From now on, each change to the store reaches the running server at once. */
  async pushTo(url: string): Promise<void> {
    const pusher = await connectClaimsPusher(this.store, url);
    this.pusher = pusher;
    this.store.applyChangesWith((account) => pushAccountJwt(pusher, account));
  }

  /** The `.creds` path of a services-account user: `service` (unrestricted) or `operator` (the public API). */
  async servicesUser(name: string, role: 'service' | 'operator' = 'service'): Promise<string> {
    return (await this.store.issueServiceUser(name, role)).credsPath;
  }

  authenticatorOf(credsPath: string): Authenticator {
    return readNatsCreds(credsPath).authenticator;
  }

  /** Creates an org's account (pushed at once); returns its public key, for the binding. */
  async createOrg(org: string): Promise<string> {
    return (await this.store.createOrg(org)).publicKey;
  }

  user(org: string, name: string, role: OrgRole): Promise<CredentialInfo> {
    return this.store.issueUser(org, name, role);
  }

  gateway(org: string, gatewayId: string): Promise<CredentialInfo> {
    return this.store.issueGateway(org, gatewayId);
  }

  revoke(org: string, kind: 'user' | 'gateway', name: string) {
    return this.store.revoke(org, kind, name);
  }

  async close(): Promise<void> {
    this.store.applyChangesWith(undefined);
    await this.pusher?.close().catch(() => undefined);
    await rm(this.root, { recursive: true, force: true });
  }
}
