// The system under test: a throwaway nats-server and PostgreSQL, and the services as processes from dist/,
// started the way production starts them (node --enable-source-maps, NODE_ENV=production).
import { connect } from '@nats-io/transport-node';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startNats, startPostgres } from '../../infra/scripts/servers.mjs';
import { repoRoot } from '../../infra/scripts/swc-options.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const PROBES = {
  // An invalid create is refused without touching any state, and only pool-command answers it.
  'pool-command': { subject: 'gwpool.v1.readiness.cmd.pool.create', accept: (r) => 'error' in r },
  'routing-query': { subject: 'gwpool.v1.readiness.query.gateway.list', accept: (r) => 'gateways' in r },
  'heartbeat-ingest': { subject: 'gwpool.v1.admin.heartbeat-ingest.stats', accept: (r) => 'accepted' in r },
  projector: { subject: 'gwpool.v1.admin.projector.status', accept: (r) => 'eventsApplied' in r },
};

const children = new Set();
// Whatever ends this process, no service of ours stays behind.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Resident and peak resident memory of a process, in MB, from /proc. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: Number.NaN, hwmMb: Number.NaN };
  }
}

// USER_HZ: 100 on every Linux the benchmark is meant for.
const CLOCK_TICKS = 100;
/** CPU seconds (user + system) a process has used so far. */
export function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

export class Service {
  constructor(name, env, { nodeArgs = [] } = {}) {
    this.name = name;
    this.env = env;
    this.nodeArgs = nodeArgs;
    this.output = [];
    const entry = join(repoRoot, 'dist/services', name, 'src/main.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: the build did not run`);
    this.child = spawn(process.execPath, [...nodeArgs, '--enable-source-maps', entry], {
      env: { ...process.env, NODE_ENV: 'production', NODE_OPTIONS: '', LOG_LEVEL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(this.child);
    const keep = (chunk) => {
      this.output.push(chunk.toString());
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(code ?? signal)));
  }

  get pid() {
    return this.child.pid;
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  logs() {
    return this.output.join('').split('\n').slice(-40).join('\n');
  }

  async stop() {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
      await this.exited;
      clearTimeout(timer);
    }
    children.delete(this.child);
  }
}

/** nats-server and PostgreSQL of this run only, under a temp dir that goes at the end. */
export class Servers {
  static async start() {
    const dir = mkdtempSync(join(tmpdir(), 'gwpool-bench-'));
    // As root, PostgreSQL runs as the postgres user, which must be able to enter the (0700) temp dir.
    chmodSync(dir, 0o711);
    const servers = new Servers(dir);
    try {
      const [nats, postgres] = await Promise.all([
        startNats({ dataDir: join(dir, 'nats') }),
        startPostgres({ dataDir: join(dir, 'postgres') }),
      ]);
      servers.nats = nats;
      servers.postgres = postgres;
      servers.nc = await connect({ servers: nats.url, name: 'bench-control' });
    } catch (error) {
      await servers.stop();
      throw error;
    }
    return servers;
  }

  constructor(dir) {
    this.dir = dir;
  }

  /** A fresh database on the server; its URL. */
  async createDatabase(name) {
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

  async request(subject, body = {}, timeout = 2000) {
    const msg = await this.nc.request(subject, JSON.stringify(body), { timeout });
    return msg.json();
  }

  async monitor(path) {
    const res = await fetch(`${this.nats.monitorUrl}${path}`, { signal: AbortSignal.timeout(2000) });
    return res.json();
  }

  async stop() {
    await this.nc?.close().catch(() => undefined);
    await Promise.allSettled([this.nats?.stop(), this.postgres?.stop()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The services of one configuration (one database, one TTL), started and stopped together. */
export class Stack {
  constructor(servers, env) {
    this.servers = servers;
    this.env = env;
    this.services = new Map();
  }

  start(name, { env = {}, nodeArgs } = {}) {
    const service = new Service(name, { ...this.env, ...env }, { nodeArgs });
    this.services.set(name, service);
    return service;
  }

  get(name) {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} is not running`);
    return service;
  }

  async waitReady(name, timeoutMs = 120_000) {
    const probe = PROBES[name];
    const service = this.get(name);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!service.running) throw new Error(`${name} exited during start:\n${service.logs()}`);
      try {
        if (probe.accept(await this.servers.request(probe.subject, {}, 1000))) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${service.logs()}`);
  }

  async stop(name) {
    await this.services.get(name)?.stop();
    this.services.delete(name);
  }

  async stopAll() {
    await Promise.all([...this.services.keys()].map((name) => this.stop(name)));
  }
}
