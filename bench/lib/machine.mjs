// What the figures were measured on: they mean little without it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../infra/scripts/swc-options.mjs';

const PACKAGES = ['@nats-io/transport-node', '@nestjs/core', '@nestjs/microservices', '@nestjs/cqrs', 'pg'];

function run(file, args) {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export async function machineFacts(servers, db) {
  const versionOf = (pkg) => {
    try {
      return JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')).version;
    } catch {
      return 'missing';
    }
  };
  const varz = await servers.monitor('/varz').catch(() => ({}));
  const { rows } = await db.query('SHOW server_version');
  const commit = run('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']);
  const dirty = run('git', ['-C', repoRoot, 'status', '--porcelain', '--untracked-files=no']);
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    kernel: release(),
    node: process.version,
    natsServer: varz.version ?? 'unknown',
    postgres: rows[0]?.server_version ?? 'unknown',
    packages: Object.fromEntries(PACKAGES.map((pkg) => [pkg, versionOf(pkg)])),
    commit: commit ? `${commit}${dirty ? ' (uncommitted changes)' : ''}` : 'unknown',
  };
}

export function describeMachine(m) {
  return [
    `machine: ${m.cpus} x ${m.cpu}, ${m.memoryGb} GB RAM, Linux ${m.kernel}`,
    `versions: node ${m.node}, nats-server ${m.natsServer}, PostgreSQL ${m.postgres}`,
    `packages: ${Object.entries(m.packages)
      .map(([pkg, v]) => `${pkg} ${v}`)
      .join(', ')}`,
    `commit: ${m.commit}`,
  ];
}

const CLOCK_TICKS = 100;

/** Busy CPU seconds of the whole machine, and of this process with its children (counted once they are reaped). */
function cpuTimes() {
  const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const self = readFileSync('/proc/self/stat', 'utf8');
  const f = self
    .slice(self.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return {
    machine: (user + nice + system + irq + softirq) / CLOCK_TICKS,
    ours: (f[11] + f[12] + f[13] + f[14]) / CLOCK_TICKS,
  };
}

/**
 * Measures how much CPU other processes took while the benchmark ran: on a shared machine this says how far to
 * trust the figures. Read the result after every child has exited.
 */
export function otherCpuMeter() {
  const start = cpuTimes();
  const t0 = performance.now();
  return () => {
    const end = cpuTimes();
    const wall = (performance.now() - t0) / 1000;
    const others = Math.max(0, end.machine - start.machine - (end.ours - start.ours));
    return { seconds: others, share: others / (wall * cpus().length) };
  };
}
