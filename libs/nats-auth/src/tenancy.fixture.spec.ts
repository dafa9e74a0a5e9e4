// Shared by the *.int.spec.ts suites of this lib (not a suite itself): a real nats-server started with the
// configuration the lib generates, the store behind it, and a stand-in for the services in the services account.
import { DomainError } from '@gwpool/domain';
import { eventually, type NatsServer, startNatsServer } from '@gwpool/testing';
import {
  connect,
  credsAuthenticator,
  type Msg,
  type NatsConnection,
  type PermissionViolationError,
} from '@nats-io/transport-node';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountDirectory } from './account-directory.js';
import { AuthStore, type OrgInfo } from './auth-store.js';
import { identifyCaller } from './caller.js';
import { credsAuthenticatorOf } from './creds-authenticator.js';
import { connectClaimsPusher, pushAccountJwt } from './claims-push.js';
import { REQUEST_INFO_HEADER } from './request-info.js';
import { serverConfigOf } from './server-config.js';

/** What the stand-in service saw of a request, and who it decided the caller is. */
export interface Seen {
  subject: string;
  headers: Record<string, string>;
  caller?: unknown;
  error?: { code: string; message: string };
}

/** A nats-server in operator mode for the store, with the accounts preloaded and a resolver directory of its own. */
function startAuthServer(
  root: string,
  store: AuthStore,
  options: { port?: number; websocket?: boolean },
): Promise<NatsServer> {
  return startNatsServer({
    dataDir: join(root, 'nats'),
    port: options.port,
    websocket: options.websocket,
    extraConfig: serverConfigOf(store, { resolverDir: join(root, 'resolver') }),
  });
}

export class AuthServer {
  readonly heartbeats: Seen[] = [];
  readonly directory = new AccountDirectory();
  private readonly connections: NatsConnection[] = [];

  private constructor(
    readonly root: string,
    readonly store: AuthStore,
    public nats: NatsServer,
    private pusher: NatsConnection,
  ) {}

  /** A server from a fresh store's configuration; every later change to the store is pushed to it. */
  static async start(options: { websocket?: boolean } = {}): Promise<AuthServer> {
    const root = await mkdtemp(join(process.env['GWPOOL_TEST_TMPDIR'] ?? tmpdir(), 'gwpool-auth-'));
    const store = await AuthStore.open(join(root, 'auth'));
    const nats = await startAuthServer(root, store, { websocket: options.websocket });
    const server = new AuthServer(root, store, nats, await connectClaimsPusher(store, nats.url));
    store.applyChangesWith((account) => server.push(account));
    return server;
  }

  /** Creates an org (pushed at once) and binds it for the stand-in, as the org-creation tool will. */
  async createOrg(org: string): Promise<OrgInfo> {
    const created = await this.store.createOrg(org);
    this.directory.bind(org, created.publicKey);
    return created;
  }

  push(account: OrgInfo | { name: string; publicKey: string; jwt: string }): Promise<void> {
    return pushAccountJwt(this.pusher, account);
  }

  /**
   * Connects with a `.creds` file. `standard` uses nats.js's own credsAuthenticator; by default the same answer is
   * signed natively, because its pure-JavaScript signing is so slow in the test sandbox that parallel connects miss
   * the server's 2 s authentication timeout.
   */
  async connect(credsPath: string, name = 'test-client', standard = false): Promise<NatsConnection> {
    const creds = await readFile(credsPath);
    const authenticator = standard
      ? credsAuthenticator(creds)
      : credsAuthenticatorOf(creds.toString('utf8')).authenticator;
    const nc = await connect({ servers: this.nats.url, authenticator, name, reconnect: false });
    this.connections.push(nc);
    return nc;
  }

  /** A stand-in for the four services in the services account, in a queue group as they are: it answers with what it saw. */
  async startStandIn(): Promise<NatsConnection> {
    const credential = await this.store.issueServiceUser(`stand-in-${this.connections.length}`, 'service');
    const nc = await this.connect(credential.credsPath, 'stand-in');
    const tenancy = {
      ownAccount: this.store.servicesAccount.publicKey,
      orgOfAccount: (k: string) => this.directory.orgOf(k),
    };
    const see = (msg: Msg): Seen => {
      const headers: Record<string, string> = {};
      for (const key of msg.headers?.keys() ?? []) headers[key] = msg.headers!.get(key);
      const org = msg.subject.split('.')[2];
      const seen: Seen = { subject: msg.subject, headers };
      try {
        seen.caller = identifyCaller(
          {
            subjectOrg: org === 'admin' ? undefined : org,
            requestInfo: msg.headers?.get(REQUEST_INFO_HEADER),
            claimedActor: msg.headers?.get('Gwpool-Actor') || undefined,
          },
          tenancy,
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        seen.error = { code: error.code, message: error.message };
      }
      return seen;
    };
    for (const subject of [
      'gwpool.v1.*.cmd.>',
      'gwpool.v1.*.query.>',
      'gwpool.v1.*.route.report',
      'gwpool.v1.admin.>',
    ]) {
      nc.subscribe(subject, {
        queue: 'stand-in',
        callback: (_error, msg) => {
          msg.respond(JSON.stringify(see(msg)));
        },
      });
    }
    nc.subscribe('gwpool.v1.*.heartbeat.*', {
      queue: 'stand-in',
      callback: (_error, msg) => {
        this.heartbeats.push(see(msg));
        if (msg.reply) msg.respond(JSON.stringify({ accepted: true }));
      },
    });
    await nc.flush();
    return nc;
  }

  /** Stops the server and starts a new one from the same configuration and resolver directory. */
  async restart(): Promise<void> {
    await this.pusher.close().catch(() => undefined);
    await this.nats.stop();
    // Same port, so the server a client knew comes back where it was.
    this.nats = await startAuthServer(this.root, this.store, { port: Number(new URL(this.nats.url).port) });
    this.pusher = await connectClaimsPusher(this.store, this.nats.url);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.connections, this.pusher].map((nc) => nc.close()));
    await this.nats.stop();
    await rm(this.root, { recursive: true, force: true });
  }
}

/** Permission violations the server reported to this connection (publishes are refused asynchronously). */
export function violations(nc: NatsConnection): PermissionViolationError[] {
  const seen: PermissionViolationError[] = [];
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'error' && status.error.name === 'PermissionViolationError') {
        seen.push(status.error as PermissionViolationError);
      }
    }
  })();
  return seen;
}

export async function expectPublishRefused(
  nc: NatsConnection,
  seen: PermissionViolationError[],
  subject: string,
): Promise<void> {
  nc.publish(subject, '{}');
  await eventually(
    () => seen.some((v) => v.operation === 'publish' && v.subject === subject),
    (found) => found,
    { label: `a publish violation on ${subject}`, timeoutMs: 5000 },
  );
}

export async function expectRequestRefused(nc: NatsConnection, subject: string): Promise<void> {
  await expect(nc.request(subject, '{}', { timeout: 5000 })).rejects.toThrow(
    `Permissions Violation for Publish to "${subject}"`,
  );
}

export async function expectSubscribeRefused(nc: NatsConnection, subject: string): Promise<void> {
  const sub = nc.subscribe(subject);
  const closed = await sub.closed;
  expect(String(closed)).toContain(`Permissions Violation for Subscription to "${subject}"`);
}

export const json = (msg: Msg): Seen => msg.json<Seen>();
