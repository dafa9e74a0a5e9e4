import {
  type NatsServer,
  type PostgresServer,
  type ServiceName,
  ServiceProcess,
  startNatsServer,
  startPostgres,
  waitForService,
} from '@gwpool/launcher';
import type { Authenticator } from '@nats-io/transport-node';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, requireEnv } from './databases.js';
import { PlainClient } from './nats-client.js';

export interface StackOptions {
  heartbeatTtl?: string;
  entitlements?: 'open' | 'enforced';
  /** How many pool-command instances share the command queue group. */
  poolCommandInstances?: number;
  /** Settings added for every service (LOG_FORMAT, READY_MAX_LAG, …). */
  env?: Record<string, string>;
  /** A PostgreSQL server of the suite's own instead of the shared one (a suite that holds transactions open). */
  postgresUrl?: string;
  /** How many instances of every service (pool-command: at least this many); 1 unless given. */
  replicas?: number;
  /** A PostgreSQL of the stack's own instead of a database on the shared test server, so a test may restart it. */
  ownPostgres?: boolean;
  /** How many routing-query instances share the query queue group (at least `replicas`). */
  routingQueryInstances?: number;
  /**
   * Tenancy enforced by the transport, as `npm start` runs it: nats-server in operator mode with this tenancy's
   * accounts, the services with a credential of the services account, the stack's client with another.
   * `StackAuth` of `@gwpool/nats-auth/testing` is one; the stack closes it.
   */
  tenancy?: StackTenancy;
}

/** What a secured stack needs of the tenancy tooling. */
export interface StackTenancy {
  /** The operator-mode part of the nats-server configuration. */
  serverConfig(): string;
  /** Pushes every later change to the running server. */
  pushTo(url: string): Promise<void>;
  /** Issues a services-account credential; returns its `.creds` path. */
  servicesUser(name: string): Promise<string>;
  authenticatorOf(credsPath: string): Authenticator;
  /** Creates an org's account; returns its public key. */
  createOrg(org: string): Promise<string>;
  close(): Promise<void>;
}

export interface StackEnv extends Record<string, string> {
  METRICS_PORT: string;
  METRICS_HOST: string;
  NATS_URL: string;
  EVENT_STORE_URL: string;
  READ_MODEL_URL: string;
  HEARTBEAT_TTL: string;
  ENTITLEMENTS: string;
}

/**
 * The four services as separate processes, with a nats-server of their own (so one suite's services never answer
 * another's requests) and a fresh database on the shared test PostgreSQL, or on a PostgreSQL of their own.
 */
export class TestStack {
  readonly processes: ServiceProcess[] = [];
  /** Each ready process's metrics port, as its `$SRV.PING` metadata gives it. */
  private readonly metricsPorts = new Map<ServiceProcess, number>();
  private constructor(
    readonly env: StackEnv,
    readonly client: PlainClient,
    readonly nats: NatsServer,
    private readonly dir: string,
    /** The stack's own PostgreSQL, when asked for. */
    public postgres?: PostgresServer,
    /** Undefined unless the stack is secured. */
    readonly auth?: StackTenancy,
  ) {}

  static async start(options: StackOptions = {}): Promise<TestStack> {
    const dir = mkdtempSync(join(process.env['GWPOOL_TEST_TMPDIR'] ?? tmpdir(), 'gwpool-stack-'));
    // As root, PostgreSQL runs as the postgres user, which must be able to enter the (0700) temp dir.
    chmodSync(dir, 0o711);
    const [nats, postgres] = await Promise.allSettled([
      startNatsServer({ dataDir: join(dir, 'nats'), extraConfig: options.tenancy?.serverConfig() }),
      options.ownPostgres ? startPostgres({ dataDir: join(dir, 'postgres') }) : undefined,
    ]);
    let stack: TestStack | undefined;
    try {
      if (nats.status === 'rejected') throw nats.reason;
      if (postgres.status === 'rejected') throw postgres.reason;
      const databaseUrl =
        postgres.value?.url ?? (await createDatabase(options.postgresUrl ?? requireEnv('TEST_POSTGRES_URL')));
      const env: StackEnv = {
        NATS_URL: nats.value.url,
        EVENT_STORE_URL: databaseUrl,
        READ_MODEL_URL: databaseUrl,
        HEARTBEAT_TTL: options.heartbeatTtl ?? '1h',
        ENTITLEMENTS: options.entitlements ?? 'open',
        // Any free port on loopback; each service says which in its $SRV metadata.
        METRICS_PORT: '0',
        METRICS_HOST: '127.0.0.1',
        // Here the other processes are other suites, not this stack's query path: a niced ingest would only starve.
        INGEST_NICE: '0',
        ...options.env,
      };
      const auth = options.tenancy;
      await auth?.pushTo(nats.value.url);
      // The services share one credential of the services account; the stack's client has one of its own.
      if (auth) env.NATS_CREDS = await auth.servicesUser('services');
      const harness = auth && auth.authenticatorOf(await auth.servicesUser('test-harness'));
      const client = await PlainClient.connect(nats.value.url, harness ? { authenticator: harness } : {});
      const started = new TestStack(env, client, nats.value, dir, postgres.value, auth);
      stack = started;
      const replicas = options.replicas ?? 1;
      // Views and the log schema are created by the first process; start one before the rest to avoid a cold race.
      await started.waitReady(started.add('projector'));
      for (let i = 1; i < replicas; i += 1) started.add('projector');
      for (let i = 0; i < Math.max(replicas, options.poolCommandInstances ?? 1); i += 1) started.add('pool-command');
      for (let i = 0; i < replicas; i += 1) started.add('heartbeat-ingest');
      for (let i = 0; i < Math.max(replicas, options.routingQueryInstances ?? 1); i += 1) started.add('routing-query');
      await Promise.all(started.processes.map((p) => started.waitReady(p)));
    } catch (error) {
      if (stack) await stack.stop();
      else {
        await Promise.allSettled([
          nats.status === 'fulfilled' && nats.value.stop(),
          postgres.status === 'fulfilled' && postgres.value?.stop(),
        ]);
        await options.tenancy?.close();
        rmSync(dir, { recursive: true, force: true });
      }
      throw error;
    }
    return stack;
  }

  /** Starts one more instance; `env` is added to the stack's settings. */
  add(name: ServiceName, env: Record<string, string> = {}): ServiceProcess {
    const service = new ServiceProcess(name, { env: { ...this.env, ...env } }).start();
    this.processes.push(service);
    return service;
  }

  private get tenancy(): StackTenancy {
    if (!this.auth) throw new Error('this stack is not secured: start it with a tenancy');
    return this.auth;
  }

  /** Creates an org while everything runs and binds it to its account, as `gwpool auth org create` does. */
  async createOrg(org: string): Promise<string> {
    const accountPublicKey = await this.tenancy.createOrg(org);
    await this.client.ok('gwpool.v1.admin.org.account.set', { org, accountPublicKey });
    return accountPublicKey;
  }

  /** A client of the stack's server that authenticates with a `.creds` file. */
  connectAs(credsPath: string, options: { name?: string; reconnect?: boolean } = {}): Promise<PlainClient> {
    return PlainClient.connect(this.nats.url, { authenticator: this.tenancy.authenticatorOf(credsPath), ...options });
  }

  /** The first running instance of a service. */
  service(name: ServiceName): ServiceProcess {
    const found = this.processes.find((p) => p.name === name && p.running);
    if (!found) throw new Error(`${name} is not running`);
    return found;
  }

  /** Every instance of a service, running or not. */
  instances(name: ServiceName): ServiceProcess[] {
    return this.processes.filter((p) => p.name === name);
  }

  /** Until that very process answers `$SRV.PING.{name}`. */
  async waitReady(service: ServiceProcess, timeoutMs = 30_000): Promise<void> {
    const identity = await waitForService(this.client.nc, service, { timeoutMs });
    const port = Number(identity.metadata?.['metrics_port']);
    if (Number.isInteger(port) && port > 0) this.metricsPorts.set(service, port);
  }

  /** `http://127.0.0.1:{port}` of a ready process's metrics and probes. */
  httpOf(service: ServiceProcess): string {
    const port = this.metricsPorts.get(service);
    if (port === undefined) throw new Error(`${service.name} (pid ${service.pid}) gave no metrics port`);
    return `http://127.0.0.1:${port}`;
  }

  /** Restarts a stopped or crashed service with the same settings. */
  async restart(service: ServiceProcess): Promise<void> {
    await this.waitReady(service.start());
  }

  /** Stops the stack's own PostgreSQL (fast shutdown), and returns a function that starts it again on its port. */
  async stopPostgres(): Promise<() => Promise<void>> {
    const postgres = this.postgres;
    if (!postgres) throw new Error('the stack has no PostgreSQL of its own: start it with ownPostgres');
    await postgres.stop();
    const port = Number(new URL(postgres.url).port);
    return async () => {
      this.postgres = await startPostgres({ dataDir: join(this.dir, 'postgres'), port });
    };
  }

  logs(): string {
    return this.processes.map((p) => `--- ${p.name} (pid ${p.pid}) ---\n${p.logs()}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop('SIGTERM')));
    await this.client.close();
    await this.nats.stop();
    await this.postgres?.stop();
    await this.auth?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
