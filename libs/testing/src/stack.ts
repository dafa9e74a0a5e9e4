import { type NatsServer, type ServiceName, ServiceProcess, startNatsServer, waitForService } from '@gwpool/launcher';
import { mkdtempSync, rmSync } from 'node:fs';
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
 * another's requests) and a fresh database on the shared test PostgreSQL.
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
  ) {}

  static async start(options: StackOptions = {}): Promise<TestStack> {
    const dir = mkdtempSync(join(process.env['GWPOOL_TEST_TMPDIR'] ?? tmpdir(), 'gwpool-stack-'));
    const nats = await startNatsServer({ dataDir: dir }).catch((error: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    });
    let stack: TestStack | undefined;
    try {
      const databaseUrl = await createDatabase(options.postgresUrl ?? requireEnv('TEST_POSTGRES_URL'));
      const env: StackEnv = {
        NATS_URL: nats.url,
        EVENT_STORE_URL: databaseUrl,
        READ_MODEL_URL: databaseUrl,
        HEARTBEAT_TTL: options.heartbeatTtl ?? '1h',
        ENTITLEMENTS: options.entitlements ?? 'open',
        // Any free port on loopback; each service says which in its $SRV metadata.
        METRICS_PORT: '0',
        METRICS_HOST: '127.0.0.1',
        ...options.env,
      };
      const started = new TestStack(env, await PlainClient.connect(nats.url), nats, dir);
      stack = started;
      // Views and the log schema are created by the first process; start one before the rest to avoid a cold race.
      await started.waitReady(started.add('projector'));
      for (let i = 0; i < (options.poolCommandInstances ?? 1); i += 1) started.add('pool-command');
      started.add('heartbeat-ingest');
      started.add('routing-query');
      await Promise.all(started.processes.map((p) => started.waitReady(p)));
    } catch (error) {
      if (stack) await stack.stop();
      else {
        await nats.stop();
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

  /** The first running instance of a service. */
  service(name: ServiceName): ServiceProcess {
    const found = this.processes.find((p) => p.name === name && p.running);
    if (!found) throw new Error(`${name} is not running`);
    return found;
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

  logs(): string {
    return this.processes.map((p) => `--- ${p.name} (pid ${p.pid}) ---\n${p.logs()}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop('SIGTERM')));
    await this.client.close();
    await this.nats.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
