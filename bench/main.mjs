// npm run bench: starts its own servers, runs each scenario several times, prints one table and keeps a JSON copy.
// Flags: --quick (smaller sizes, fewer and shorter runs), --only=routing,heartbeats,commands,rebuild,memory,
// --readme (also update README.md after a --quick or --only run; a full run always does).
import { loadavg } from 'node:os';
import pg from 'pg';
import { machineFacts, otherCpuMeter } from './lib/machine.mjs';
import { judge, renderTable, updateReadme, writeResults } from './lib/report.mjs';
import { loadFleet, makeHealthy, startServices, warmPoolCommand } from './lib/setup.mjs';
import { Servers } from './lib/stack.mjs';
import { startEcho } from './lib/load.mjs';
import { commandsScenario } from './scenarios/commands.mjs';
import { heartbeatScenario } from './scenarios/heartbeats.mjs';
import { memoryFigures } from './scenarios/memory.mjs';
import { profileRouting } from './scenarios/profile.mjs';
import { rebuildScenario } from './scenarios/rebuild.mjs';
import { routingScenario } from './scenarios/routing.mjs';

const SCENARIOS = ['routing', 'heartbeats', 'commands', 'rebuild', 'memory'];

const FULL = {
  fleet: { orgs: 100, gateways: 500, pools: 100, members: 3, bigPools: 5 },
  // Five short interleaved runs rather than three long ones: a burst of other work on the machine hits fewer of them.
  runs: { routing: 5, heartbeats: 3, commands: 3, rebuild: 3 },
  warmupMs: 1000,
  durationMs: 3000,
  heartbeatSeconds: 60,
  heartbeatPeriodMs: 5000,
  rebuildEvents: 1_000_000,
};

const QUICK = {
  fleet: { orgs: 10, gateways: 500, pools: 100, members: 3, bigPools: 2 },
  runs: { routing: 1, heartbeats: 1, commands: 1, rebuild: 1 },
  warmupMs: 500,
  durationMs: 2000,
  heartbeatSeconds: 15,
  heartbeatPeriodMs: 5000,
  rebuildEvents: 100_000,
};

function usage(message) {
  return Object.assign(new Error(message), { name: 'UsageError' });
}

function parseOptions(argv) {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const options = { quick: false, readme: false, only: new Set(SCENARIOS) };
  for (const arg of args) {
    if (arg === '--quick') options.quick = true;
    else if (arg === '--readme') options.readme = true;
    else if (arg.startsWith('--only=')) {
      options.only = new Set(arg.slice('--only='.length).split(','));
      for (const name of options.only) {
        if (!SCENARIOS.includes(name)) throw usage(`unknown scenario '${name}': pick from ${SCENARIOS.join(', ')}`);
      }
    } else throw usage(`unknown argument '${arg}' (known: --quick, --only=<scenario,...>, --readme)`);
  }
  return options;
}

export async function main(argv) {
  const options = parseOptions(argv);
  const sizes = options.quick ? QUICK : FULL;
  const startedAt = new Date().toISOString();
  // Other work on the machine skews every figure; the load average says whether there was any.
  const loadBefore = loadavg()[0];
  const otherCpu = otherCpuMeter();
  const started = performance.now();
  const figures = [];
  const ctx = {
    options,
    sizes,
    details: {},
    figure(f) {
      const row = { ...f };
      row.met = judge(row);
      figures.push(row);
    },
  };
  const step = (title) => console.log(`\n== ${title} (${Math.round((performance.now() - started) / 1000)} s)`);
  const has = (name) => options.only.has(name);

  let stopping = false;
  const cleanup = async () => {
    await ctx.stack?.stopAll().catch(() => undefined);
    await ctx.echo?.stop().catch(() => undefined);
    await ctx.db?.end().catch(() => undefined);
    await ctx.servers?.stop().catch(() => undefined);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping the servers`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  let machine;
  try {
    step('starting nats-server and PostgreSQL');
    ctx.servers = await Servers.start();
    ctx.echo = await startEcho(ctx.servers.nats.url);
    const needFleet = ['routing', 'heartbeats', 'commands', 'memory'].some(has);
    if (needFleet) {
      step('loading the fleet');
      await loadFleet(ctx);
      ctx.db = new pg.Client({ connectionString: ctx.fleetUrl });
      await ctx.db.connect();
      await startServices(ctx, '1h');
      await makeHealthy(ctx);
      await warmPoolCommand(ctx);
    } else {
      ctx.db = new pg.Client({ connectionString: ctx.servers.postgres.url });
      await ctx.db.connect();
    }
    machine = await machineFacts(ctx.servers, ctx.db);
    // A scenario that breaks is reported in the table; the others still run.
    const scenario = async (title, work) => {
      step(title);
      try {
        await work();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        console.error(`  ${title} did not complete: ${error instanceof Error ? error.stack : message}`);
        ctx.figure({
          scenario: title.split(' ').slice(0, 2).join(' '),
          figure: `did not complete: ${message.split('\n')[0].slice(0, 70)}`,
          target: { met: false, text: 'completes' },
        });
      }
    };
    if (has('routing')) await scenario('1 route.pick', () => routingScenario(ctx));
    if (has('memory')) await scenario('5 memory', async () => memoryFigures(ctx, 'fleet loaded', { target: true }));
    if (has('routing') && figures.some((f) => f.scenario.startsWith('1') && f.met === false)) {
      await scenario('1 route.pick missed a target: CPU profile of routing-query', () => profileRouting(ctx));
    }
    if (has('heartbeats')) await scenario('2 heartbeats', () => heartbeatScenario(ctx));
    if (has('commands')) await scenario('3 commands', () => commandsScenario(ctx));
    await ctx.stack?.stopAll();
    if (has('rebuild')) await scenario('4 rebuild', () => rebuildScenario(ctx));
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
  const file = writeResults({ meta, machine, figures, details: ctx.details, table }, { latest: shown });
  console.log(`\n${table}\n\nJSON: ${file}${shown ? ' and bench/results/latest.json' : ''}`);
  const hot = ctx.details.routingProfile;
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
