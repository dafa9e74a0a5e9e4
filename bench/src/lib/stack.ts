// The system under test: a throwaway nats-server and PostgreSQL, and the services as processes from dist/, started
// by the launcher the way production starts them (node --enable-source-maps, NODE_ENV=production).
import {
  type NatsServer,
  type PostgresServer,
  type ServiceName,
  ServiceProcess,
  startNatsServer,
  startPostgres,
  waitForService,
} from '@gwpool/launcher';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Resident and peak resident memory of a process, in MB, from /proc. */
export function memoryOf(pid: number | undefined): { rssMb: number; hwmMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: Number.NaN, hwmMb: Number.NaN };
  }
}

// USER_HZ: 100 on every Linux the benchmark is meant for.
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

/** nats-server and PostgreSQL of this run only, under a temp dir that goes at the end. */
export class Servers {
  private constructor(
    readonly dir: string,
    readonly nats: NatsServer,
    readonly postgres: PostgresServer,
    readonly nc: NatsConnection,
  ) {}

  static async start(): Promise<Servers> {
    const dir = mkdtempSync(join(tmpdir(), 'gwpool-bench-'));
    // As root, PostgreSQL runs as the postgres user, which must be able to enter the (0700) temp dir.
    chmodSync(dir, 0o711);
    const [nats, postgres] = await Promise.allSettled([
      // JetStream on, as in the deployments the figures stand for.
      startNatsServer({ dataDir: join(dir, 'nats'), jetstream: true }),
      startPostgres({ dataDir: join(dir, 'postgres') }),
    ]);
    try {
      if (nats.status === 'rejected') throw nats.reason;
      if (postgres.status === 'rejected') throw postgres.reason;
      const nc = await connect({ servers: nats.value.url, name: 'bench-control' });
      return new Servers(dir, nats.value, postgres.value, nc);
    } catch (error) {
      await Promise.allSettled([
        nats.status === 'fulfilled' && nats.value.stop(),
        postgres.status === 'fulfilled' && postgres.value.stop(),
      ]);
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** A fresh database on the server; its URL. */
  async createDatabase(name: string): Promise<string> {
    const admin = new pg.Client({ connectionString: this.postgres.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const url = new URL(this.postgres.url);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async request<T>(subject: string, body: unknown = {}, timeout = 2000): Promise<T> {
    const msg = await this.nc.request(subject, JSON.stringify(body), { timeout });
    return msg.json<T>();
  }

  async monitor<T>(path: string): Promise<T> {
    const res = await fetch(`${this.nats.monitorUrl}${path}`, { signal: AbortSignal.timeout(2000) });
    return (await res.json()) as T;
  }

  async stop(): Promise<void> {
    await this.nc.close().catch(() => undefined);
    await Promise.allSettled([this.nats.stop(), this.postgres.stop()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The services of one configuration (one database, one TTL), started and stopped together. */
export class Stack {
  readonly services = new Map<ServiceName, ServiceProcess>();

  constructor(
    private readonly servers: Servers,
    private readonly env: Record<string, string>,
  ) {}

  start(name: ServiceName, { env = {}, nodeArgs }: { env?: Record<string, string>; nodeArgs?: string[] } = {}) {
    const service = new ServiceProcess(name, {
      // Metrics on, as in production (a free port on loopback); the routing scenario also runs routing-query without.
      env: { NODE_ENV: 'production', LOG_LEVEL: '', METRICS_PORT: '0', METRICS_HOST: '127.0.0.1', ...this.env, ...env },
      ...(nodeArgs ? { nodeArgs } : {}),
    }).start();
    this.services.set(name, service);
    return service;
  }

  get(name: ServiceName): ServiceProcess {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} is not running`);
    return service;
  }

  /** Until the process answers `$SRV.PING.{name}`. */
  async waitReady(name: ServiceName, timeoutMs = 120_000): Promise<void> {
    await waitForService(this.servers.nc, this.get(name), { timeoutMs });
  }

  async stop(name: ServiceName): Promise<void> {
    await this.services.get(name)?.stop('SIGTERM', 15_000);
    this.services.delete(name);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.services.keys()].map((name) => this.stop(name)));
  }
}
