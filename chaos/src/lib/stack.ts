// The system under test: nats-server and PostgreSQL that an experiment may restart on the same ports, and every
// service instance kept running by the launcher's supervisor, as npm start runs them.
import {
  type NatsServer,
  type PostgresServer,
  SERVICE_NAMES,
  type ServiceName,
  ServiceProcess,
  startNatsServer,
  startPostgres,
  Supervisor,
  waitForSupervised,
} from '@gwpool/launcher';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A heartbeat every second; five missed ones make a gateway unhealthy. */
export const HEARTBEAT_TTL = '5s';

export interface Instance {
  name: ServiceName;
  label: string;
  supervisor: Supervisor<ServiceProcess>;
}

/** Resident and peak resident memory of a process, in MB. */
export function memoryOf(pid: number | undefined): { rssMb: number; peakMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: Number.NaN, peakMb: Number.NaN };
  }
}

// USER_HZ: 100 on every Linux this runs on.
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used so far. */
export function cpuSecondsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

export class ChaosStack {
  readonly instances: Instance[] = [];
  /** Restarts seen by the supervisors, as lines for the log. */
  readonly restarts: string[] = [];

  private constructor(
    private readonly dir: string,
    public nats: NatsServer,
    public postgres: PostgresServer,
    readonly nc: NatsConnection,
  ) {}

  static async start(): Promise<ChaosStack> {
    const dir = mkdtempSync(join(tmpdir(), 'gwpool-chaos-'));
    // As root, PostgreSQL runs as the postgres user, which must be able to enter the (0700) temp dir.
    chmodSync(dir, 0o711);
    const [nats, postgres] = await Promise.allSettled([
      startNatsServer({ dataDir: join(dir, 'nats') }),
      startPostgres({ dataDir: join(dir, 'postgres') }),
    ]);
    if (nats.status === 'rejected' || postgres.status === 'rejected') {
      await Promise.allSettled([
        nats.status === 'fulfilled' && nats.value.stop(),
        postgres.status === 'fulfilled' && postgres.value.stop(),
      ]);
      rmSync(dir, { recursive: true, force: true });
      throw nats.status === 'rejected' ? nats.reason : (postgres as PromiseRejectedResult).reason;
    }
    const nc = await connect({
      servers: nats.value.url,
      name: 'chaos-control',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    return new ChaosStack(dir, nats.value, postgres.value, nc);
  }

  get env(): Record<string, string> {
    return {
      NATS_URL: this.nats.url,
      EVENT_STORE_URL: this.postgres.url,
      READ_MODEL_URL: this.postgres.url,
      HEARTBEAT_TTL,
      ENTITLEMENTS: 'open',
      NODE_ENV: 'production',
    };
  }

  /** Starts more supervised instances until every service has `replicas`; resolves once they all answer. */
  async scaleTo(replicas: number): Promise<void> {
    // The projector creates the views; the others start once one answers.
    const adding: Instance[] = [];
    for (const name of ['projector', ...SERVICE_NAMES.filter((n) => n !== 'projector')] as ServiceName[]) {
      for (let i = this.of(name).length; i < replicas; i += 1) {
        const instance = this.add(name);
        adding.push(instance);
        if (name === 'projector' && i === 0) await this.ready(instance);
      }
    }
    await Promise.all(adding.map((instance) => this.ready(instance)));
  }

  of(name: ServiceName): Instance[] {
    return this.instances.filter((i) => i.name === name);
  }

  async ready(instance: Instance, timeoutMs = 120_000): Promise<void> {
    await waitForSupervised(this.nc, instance.supervisor, { timeoutMs });
  }

  /** Until every instance answers again (after restarts). */
  async allReady(): Promise<void> {
    await Promise.all(this.instances.map((instance) => this.ready(instance)));
  }

  /** A service run once, outside supervision (a rebuild into a fresh namespace). */
  runOnce(name: ServiceName, env: Record<string, string>): ServiceProcess {
    return new ServiceProcess(name, { env: { ...this.env, ...env } }).start();
  }

  async restartNats(downMs: number): Promise<void> {
    const port = Number(new URL(this.nats.url).port);
    const monitorPort = Number(new URL(this.nats.monitorUrl).port);
    await this.nats.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.nats = await startNatsServer({ dataDir: join(this.dir, 'nats'), port, monitorPort });
  }

  async restartPostgres(downMs: number): Promise<void> {
    const port = Number(new URL(this.postgres.url).port);
    await this.postgres.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.postgres = await startPostgres({ dataDir: join(this.dir, 'postgres'), port });
  }

  async monitor<T>(path: string): Promise<T> {
    const res = await fetch(`${this.nats.monitorUrl}${path}`, { signal: AbortSignal.timeout(5000) });
    return (await res.json()) as T;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.instances.map((i) => i.supervisor.stop('SIGTERM', 15_000)));
    await this.nc.close().catch(() => undefined);
    await Promise.allSettled([this.nats.stop(), this.postgres.stop()]);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private add(name: ServiceName): Instance {
    const label = `${name}#${this.of(name).length + 1}`;
    const process = new ServiceProcess(name, { env: this.env });
    const supervisor = new Supervisor(label, process, {
      onRestart: ({ status, restarts, delayMs }) =>
        this.restarts.push(
          `${label} ${status.signal ? `killed by ${status.signal}` : `exited ${status.code}`}, restart ${restarts} in ${delayMs} ms`,
        ),
    }).start();
    const instance = { name, label, supervisor };
    this.instances.push(instance);
    return instance;
  }
}
