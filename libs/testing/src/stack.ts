import { createDatabase, requireEnv } from './databases.js';
import { eventually, PlainClient } from './nats-client.js';
import { NatsServerProcess } from './nats-server.js';
import { type ServiceName, ServiceProcess } from './service-process.js';

export interface StackOptions {
  heartbeatTtl?: string;
  entitlements?: 'open' | 'enforced';
  /** How many pool-command instances share the command queue group. */
  poolCommandInstances?: number;
}

const READY_PROBES: Record<
  ServiceName,
  { subject: string; body: unknown; accept: (reply: Record<string, unknown>) => boolean }
> = {
  // An invalid create is refused without touching any state, and only pool-command answers it.
  'pool-command': { subject: 'gwpool.v1.readiness.cmd.pool.create', body: {}, accept: (r) => 'error' in r },
  'routing-query': { subject: 'gwpool.v1.readiness.query.gateway.list', body: {}, accept: (r) => 'gateways' in r },
  'heartbeat-ingest': { subject: 'gwpool.v1.admin.heartbeat-ingest.stats', body: {}, accept: (r) => 'accepted' in r },
  projector: { subject: 'gwpool.v1.admin.projector.status', body: {}, accept: (r) => 'eventsApplied' in r },
};

export interface StackEnv extends Record<string, string> {
  NATS_URL: string;
  EVENT_STORE_URL: string;
  READ_MODEL_URL: string;
  HEARTBEAT_TTL: string;
  ENTITLEMENTS: string;
}

/** The four services as separate processes, with a NATS server and a database of their own. */
export class TestStack {
  readonly processes: ServiceProcess[] = [];
  private constructor(
    readonly env: StackEnv,
    readonly client: PlainClient,
    readonly nats: NatsServerProcess,
  ) {}

  static async start(options: StackOptions = {}): Promise<TestStack> {
    const nats = await NatsServerProcess.start();
    const natsUrl = nats.url;
    const databaseUrl = await createDatabase(requireEnv('TEST_POSTGRES_URL'));
    const env: StackEnv = {
      NATS_URL: natsUrl,
      EVENT_STORE_URL: databaseUrl,
      READ_MODEL_URL: databaseUrl,
      HEARTBEAT_TTL: options.heartbeatTtl ?? '1h',
      ENTITLEMENTS: options.entitlements ?? 'open',
    };
    const stack = new TestStack(env, await PlainClient.connect(natsUrl), nats);
    try {
      // Views and the log schema are created by the first process; start one before the rest to avoid a cold race.
      stack.add('projector');
      await stack.waitReady('projector');
      for (let i = 0; i < (options.poolCommandInstances ?? 1); i += 1) stack.add('pool-command');
      stack.add('heartbeat-ingest');
      stack.add('routing-query');
      await Promise.all(stack.processes.map((p) => stack.waitReady(p.name)));
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  add(name: ServiceName, env: Record<string, string> = {}): ServiceProcess {
    const process = new ServiceProcess(name, { ...this.env, ...env }).start();
    this.processes.push(process);
    return process;
  }

  service(name: ServiceName): ServiceProcess {
    const found = this.processes.filter((p) => p.name === name && p.running);
    if (found.length === 0) throw new Error(`${name} is not running`);
    return found[0] as ServiceProcess;
  }

  async waitReady(name: ServiceName, timeoutMs = 30_000): Promise<void> {
    const probe = READY_PROBES[name];
    try {
      await eventually(
        async () => {
          const msg = await this.client.nc.request(probe.subject, JSON.stringify(probe.body), { timeout: 500 });
          return msg.json<Record<string, unknown>>();
        },
        probe.accept,
        { timeoutMs, intervalMs: 100, label: `${name} ready` },
      );
    } catch (error) {
      const logs = this.processes
        .filter((p) => p.name === name)
        .map((p) => p.logs())
        .join('\n');
      throw new Error(`${String(error)}\n--- ${name} output ---\n${logs}`, { cause: error });
    }
  }

  /** Restarts a stopped or crashed service with the same settings. */
  async restart(process: ServiceProcess): Promise<void> {
    process.start();
    await this.waitReady(process.name);
  }

  logs(): string {
    return this.processes.map((p) => `--- ${p.name} (pid ${p.pid}) ---\n${p.logs()}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.kill('SIGTERM')));
    await this.client.close();
    await this.nats.stop();
  }
}
