// What the figures were measured on: they mean little without it.
import { repoRoot } from '@gwpool/launcher';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import type { Servers } from './stack.js';

const PACKAGES = ['@nats-io/transport-node', '@nestjs/core', '@nestjs/microservices', '@nestjs/cqrs', 'pg'];

export interface Machine {
  cpu: string;
  cpus: number;
  memoryGb: number;
  kernel: string;
  node: string;
  natsServer: string;
  postgres: string;
  packages: Record<string, string>;
  commit: string;
}

function run(file: string, args: string[]): string | undefined {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export async function machineFacts(servers: Servers, db: pg.Client): Promise<Machine> {
  const root = repoRoot();
  const versionOf = (pkg: string): string => {
    try {
      const { version } = JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as {
        version: string;
      };
      return version;
    } catch {
      return 'missing';
    }
  };
  const varz = await servers.monitor<{ version?: string }>('/varz').catch(() => ({ version: undefined }));
  const { rows } = await db.query<{ server_version?: string }>('SHOW server_version');
  const commit = run('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  const dirty = run('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no']);
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

export function describeMachine(m: Machine): string[] {
  return [
    `machine: ${m.cpus} x ${m.cpu}, ${m.memoryGb} GB RAM, Linux ${m.kernel}`,
    `versions: node ${m.node}, nats-server ${m.natsServer}, PostgreSQL ${m.postgres}`,
    `packages: ${Object.entries(m.packages)
      .map(([pkg, v]) => `${pkg} ${v}`)
      .join(', ')}`,
    `commit: ${m.commit}`,
  ];
}
