// npm run chaos: kills and restarts things under load and prints what it cost and what it broke.
// Flags: --short (kill -9 of each service with two instances, shorter runs: what npm test runs), --json=FILE (the
// results there too), --readme (put the table in README.md; a full run always does), --only=kills,servers,burst,
// --burst-gateways=N.
import { loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { otherCpuMeter, repoRoot, type ServiceName } from '@gwpool/launcher';
import { type BurstFigures, burstExperiment } from './experiments/burst.js';
import { type Disruption, killOne, restartNats, restartPostgres } from './experiments/disruptions.js';
import { type Row, runExperiment, type Timing } from './experiments/run.js';
import { setUpFleet, untilHealthy } from './lib/fleet.js';
import { startHeartbeats } from './lib/load.js';
import { renderTable, updateReadme } from './lib/report.js';
import { ChaosStack } from './lib/stack.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const PARTS = ['kills', 'servers', 'burst'] as const;
type Part = (typeof PARTS)[number];

interface Options {
  short: boolean;
  only: Set<Part>;
  json?: string;
  readme: boolean;
  burstGateways: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { short: false, only: new Set(PARTS), readme: false, burstGateways: 50_000 };
  for (const arg of argv[0] === '--' ? argv.slice(1) : argv) {
    if (arg === '--short') options.short = true;
    else if (arg === '--readme') options.readme = true;
    else if (arg.startsWith('--json=')) options.json = arg.slice('--json='.length);
    else if (arg.startsWith('--only=')) {
      options.only = new Set();
      for (const part of arg.slice('--only='.length).split(',')) {
        const known = PARTS.find((p) => p === part);
        if (!known) throw new UsageError(`unknown part '${part}': pick from ${PARTS.join(', ')}`);
        options.only.add(known);
      }
    } else if (arg.startsWith('--burst-gateways=')) {
      const value = Number(arg.slice('--burst-gateways='.length));
      if (!Number.isInteger(value) || value < 500 || value % 500 !== 0)
        throw new UsageError('--burst-gateways must be a multiple of 500');
      options.burstGateways = value;
    } else
      throw new UsageError(`unknown argument '${arg}' (known: --short, --json=FILE, --readme, --burst-gateways=N)`);
  }
  return options;
}

const SERVICES: ServiceName[] = ['routing-query', 'pool-command', 'heartbeat-ingest', 'projector'];

export async function main(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const otherCpu = otherCpuMeter();
  const timing: Timing = options.short
    ? { durationMs: 8000, disruptAtMs: 3000 }
    : { durationMs: 15_000, disruptAtMs: 5000 };
  const rows: Row[] = [];
  let burst: BurstFigures | undefined;
  const step = (title: string) => console.log(`\n== ${title} (${Math.round((performance.now() - started) / 1000)} s)`);
  step('starting nats-server, PostgreSQL and the services');
  const stack = await ChaosStack.start();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`\n${signal}: stopping`);
      void stack.stop().finally(() => process.exit(130));
    });
  }
  // An experiment that breaks is reported in the table; the others still run.
  const attempt = async (name: string, replicas: number, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`  ${name} did not complete: ${error instanceof Error ? error.stack : message}`);
      rows.push({
        experiment: `${name}, ${replicas} instance${replicas === 1 ? '' : 's'} each`,
        replicas,
        picks: { sent: 0, failed: {} },
        commands: { sent: 0, failed: {} },
        acks: { acked: 0, missing: 0, duplicated: 0 },
        views: { equal: false, differing: Number.NaN },
        healthGapMs: Number.NaN,
        notes: [`did not complete: ${(message.split('\n')[0] ?? '').slice(0, 100)}`],
      });
      await stack.allReady().catch(() => undefined);
    }
  };
  const experiment = (disruption: Disruption, replicas: number) =>
    attempt(disruption.name, replicas, async () => {
      rows.push(await runExperiment(stack, fleet, disruption, replicas, timing));
    });

  let fleet: Awaited<ReturnType<typeof setUpFleet>>;
  let heartbeats: Awaited<ReturnType<typeof startHeartbeats>> | undefined;
  try {
    const kills = options.only.has('kills');
    await stack.scaleTo(options.short || !kills ? 2 : 1);
    fleet = await setUpFleet(stack.nc);
    heartbeats = await startHeartbeats(stack.nats.url);
    await untilHealthy(stack.nc, fleet);
    if (!options.short && kills) {
      step('kill -9 with one instance of each service');
      for (const name of SERVICES) await experiment(killOne(name), 1);
      await stack.scaleTo(2);
    }
    if (kills) {
      step('kill -9 with two instances of each service');
      for (const name of SERVICES) await experiment(killOne(name), 2);
    }
    if (!options.short && options.only.has('servers')) {
      step('servers restarted under load');
      await experiment(restartNats, 2);
      await experiment(restartPostgres, 2);
    }
    if (!options.short && options.only.has('burst')) {
      step('heartbeat burst');
      await attempt('heartbeat burst', 2, async () => {
        const result = await burstExperiment(stack, fleet, {
          orgs: options.burstGateways / 500,
          perOrg: 500,
          seconds: 15,
        });
        rows.push(result.row);
        burst = result.figures;
      });
    }
  } finally {
    step('stopping');
    await heartbeats?.stop();
    if (stack.restarts.length > 0) console.log(`restarts: ${stack.restarts.join('; ')}`);
    await stack.stop();
  }
  const meta = {
    startedAt,
    seconds: (performance.now() - started) / 1000,
    mode: options.short ? 'short' : options.only.size === PARTS.length ? 'full' : `only ${[...options.only].join(',')}`,
    loadBefore,
    loadAfter: loadavg()[0] ?? Number.NaN,
    otherCpu: otherCpu(),
    commit: commitOf(),
  };
  const table = renderTable(rows, burst, meta);
  console.log(`\n${table}`);
  const results = { meta, rows, burst, table };
  if (options.json) writeFileSync(options.json, JSON.stringify(results, null, 2));
  const whole = !options.short && options.only.size === PARTS.length;
  if (whole) {
    const dir = join(repoRoot(), 'chaos/results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.json'), JSON.stringify(results, null, 2));
  }
  if (whole || options.readme) {
    updateReadme(join(repoRoot(), 'README.md'), table);
    console.log('README.md: chaos table updated');
  }
}

function commitOf(): string {
  try {
    const root = repoRoot();
    const commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${commit} (uncommitted changes)` : commit;
  } catch {
    return 'unknown';
  }
}
