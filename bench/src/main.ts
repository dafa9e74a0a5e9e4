// npm run bench: starts its own servers, runs each scenario several times, prints one table and keeps a JSON copy.
// Flags: --quick (smaller sizes, fewer and shorter runs),
// --only=routing,heartbeats,commands,rebuild,memory,tenancy,consistency,audit,
// --readme (also update README.md after a --quick or --only run; a full run always does).
import { loadavg } from 'node:os';
import pg from 'pg';
import type { LoadClient } from '@gwpool/load-clients';
import {
  type BenchContext,
  type BenchOptions,
  type Figure,
  SCENARIOS,
  type ScenarioName,
  type Sizes,
} from './lib/context.js';
import { startEcho } from './lib/load.js';
import { otherCpuMeter } from '@gwpool/launcher';
import { type Machine, machineFacts } from './lib/machine.js';
import { judge, renderTable, updateReadme, writeResults } from './lib/report.js';
import { loadFleet, makeHealthy, startServices, warmPoolCommand } from './lib/setup.js';
import { Servers } from './lib/stack.js';
import { commandsScenario } from './scenarios/commands.js';
import { heartbeatScenario } from './scenarios/heartbeats.js';
import { memoryFigures } from './scenarios/memory.js';
import { profileRouting } from './scenarios/profile.js';
import { readYourWritesScenario } from './scenarios/read-your-writes.js';
import { rebuildScenario } from './scenarios/rebuild.js';
import { routingScenario } from './scenarios/routing.js';
import { routingStrategiesScenario } from './scenarios/routing-strategies.js';
import { tenancyScenario } from './scenarios/tenancy.js';
import { auditIsolationScenario } from './scenarios/audit-isolation.js';

const FULL: Sizes = {
  fleet: { orgs: 100, gateways: 500, pools: 100, members: 3, bigPools: 5 },
  // Five short interleaved runs rather than three long ones: a burst of other work on the machine hits fewer of them.
  runs: { routing: 5, heartbeats: 3, commands: 3, rebuild: 3 },
  warmupMs: 1000,
  durationMs: 3000,
  heartbeatSeconds: 60,
  heartbeatPeriodMs: 5000,
  rebuildEvents: 1_000_000,
};

const QUICK: Sizes = {
  fleet: { orgs: 10, gateways: 500, pools: 100, members: 3, bigPools: 2 },
  runs: { routing: 1, heartbeats: 1, commands: 1, rebuild: 1 },
  warmupMs: 500,
  durationMs: 2000,
  heartbeatSeconds: 15,
  heartbeatPeriodMs: 5000,
  rebuildEvents: 100_000,
};

/** A bad flag: the caller prints the message without a stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const isScenario = (name: string): name is ScenarioName => (SCENARIOS as readonly string[]).includes(name);

function parseOptions(argv: readonly string[]): BenchOptions {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const options: BenchOptions = { quick: false, readme: false, only: new Set(SCENARIOS) };
  for (const arg of args) {
    if (arg === '--quick') options.quick = true;
    else if (arg === '--readme') options.readme = true;
    else if (arg.startsWith('--only=')) {
      options.only = new Set();
      for (const name of arg.slice('--only='.length).split(',')) {
        if (!isScenario(name)) throw new UsageError(`unknown scenario '${name}': pick from ${SCENARIOS.join(', ')}`);
        options.only.add(name);
      }
    } else throw new UsageError(`unknown argument '${arg}' (known: --quick, --only=<scenario,...>, --readme)`);
  }
  return options;
}

export async function main(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  const sizes = options.quick ? QUICK : FULL;
  const startedAt = new Date().toISOString();
  // Other work on the machine skews every figure; the load average says whether there was any.
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const otherCpu = otherCpuMeter();
  const started = performance.now();
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const step = (title: string) => console.log(`\n== ${title} (${Math.round((performance.now() - started) / 1000)} s)`);
  const has = (name: ScenarioName) => options.only.has(name);

  // Set as they start, so that whatever happens the cleanup stops what is running.
  let servers: Servers | undefined;
  let echo: LoadClient<unknown> | undefined;
  let db: pg.Client | undefined;
  let ctx: BenchContext | undefined;
  let stopping = false;
  const cleanup = async () => {
    await ctx?.stack?.stopAll().catch(() => undefined);
    await echo?.stop().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await servers?.stop().catch(() => undefined);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping the servers`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  let machine: Machine;
  try {
    step('starting nats-server and PostgreSQL');
    servers = await Servers.start();
    echo = await startEcho(servers.nats.url);
    const needFleet = (['routing', 'heartbeats', 'commands', 'memory', 'consistency', 'audit'] as const).some(has);
    if (needFleet) step('loading the fleet');
    const loaded = needFleet ? await loadFleet(servers, sizes.fleet) : undefined;
    db = new pg.Client({ connectionString: loaded?.fleetUrl ?? servers.postgres.url });
    await db.connect();
    const context: BenchContext = {
      options,
      sizes,
      servers,
      echo,
      db,
      ...loaded,
      yardsticks: {},
      details,
      figure(f) {
        const row = { ...f };
        row.met = judge(row);
        figures.push(row);
      },
    };
    ctx = context;
    if (loaded) {
      await startServices(context, '1h');
      await makeHealthy(context);
      await warmPoolCommand(context);
    }
    machine = await machineFacts(servers, db);
    // A scenario that breaks is reported in the table; the others still run.
    const scenario = async (title: string, work: () => Promise<unknown>) => {
      step(title);
      try {
        await work();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        console.error(`  ${title} did not complete: ${error instanceof Error ? error.stack : message}`);
        context.figure({
          scenario: title.split(' ').slice(0, 2).join(' '),
          figure: `did not complete: ${(message.split('\n')[0] ?? '').slice(0, 70)}`,
          target: { met: false, text: 'completes' },
        });
      }
    };
    if (has('routing')) await scenario('1 route.pick', () => routingScenario(context));
    if (has('routing')) await scenario('1b route.pick strategies', () => routingStrategiesScenario(context));
    if (has('memory')) await scenario('5 memory', async () => memoryFigures(context, 'fleet loaded', { target: true }));
    if (has('routing') && figures.some((f) => f.scenario.startsWith('1') && f.met === false)) {
      await scenario('1 route.pick missed a target: CPU profile of routing-query', () => profileRouting(context));
    }
    if (has('consistency')) await scenario('6 read-your-writes', () => readYourWritesScenario(context));
    if (has('audit')) await scenario('8 audit', () => auditIsolationScenario(context));
    if (has('heartbeats')) await scenario('2 heartbeats', () => heartbeatScenario(context));
    if (has('commands')) await scenario('3 commands', () => commandsScenario(context));
    await context.stack?.stopAll();
    if (has('rebuild')) await scenario('4 rebuild', () => rebuildScenario(context));
    if (has('tenancy')) await scenario('7 tenancy', () => tenancyScenario(context));
  } finally {
    step('stopping');
    await cleanup();
  }

  const seconds = (performance.now() - started) / 1000;
  const meta = {
    startedAt,
    seconds,
    loadAverageBefore: loadBefore,
    otherCpu: otherCpu(),
    mode: `${options.quick ? 'quick' : 'full'}${options.only.size < SCENARIOS.length ? `, only ${[...options.only].join(',')}` : ''}`,
    sizes,
  };
  const table = renderTable(figures, machine, meta);
  const shown = (!options.quick && options.only.size === SCENARIOS.length) || options.readme;
  const file = writeResults({ meta, machine, figures, details, table }, { latest: shown });
  console.log(`\n${table}\n\nJSON: ${file}${shown ? ' and bench/results/latest.json' : ''}`);
  const hot = details['routingProfile'] as
    | {
        load: string;
        busyMs: number;
        functions: { name: string; share: number }[];
        origins: { name: string; share: number }[];
      }
    | undefined;
  if (hot) {
    console.log(
      `\nrouting-query CPU profile (${hot.load}, ${hot.busyMs} ms busy): self time by function, then by package`,
    );
    for (const f of hot.functions) console.log(`  ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name}`);
    for (const f of hot.origins) console.log(`  ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.name}`);
  }
  if (shown) {
    updateReadme(table);
    console.log('README.md: benchmark table updated');
  }
}
