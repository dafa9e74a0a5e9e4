// Scenario 3: pool.create and pool.member.add through pool-command onto the PostgreSQL log, from 1 client and from
// 32 (each in an org of its own, and all in one org, where the log serializes them). Every command appends an event.
import type { CommandOrg, RequestSource } from '@gwpool/load-clients';
import { type BenchContext, fleetOf } from '../lib/context.js';
import { appendOrgs, commandOrgEvents } from '../lib/fleet.js';
import { echoOf, requestRun, type RequestRun, Series, type SeriesSummary } from '../lib/load.js';

const CLIENTS = 32;
const COMMANDS = ['pool.create', 'pool.member.add'] as const;

export async function commandsScenario(ctx: BenchContext): Promise<void> {
  const { servers, sizes } = ctx;
  const { fleetUrl } = fleetOf(ctx);
  const modes = [
    { key: 'c1', label: '1 client', concurrency: 1, orgs: 1 },
    { key: 'c32', label: '32 clients, 32 orgs', concurrency: CLIENTS, orgs: CLIENTS },
    { key: 'c32one', label: '32 clients, one org', concurrency: CLIENTS, orgs: 1 },
  ];
  const series = new Map<string, Series>();
  const add = (key: string, run: RequestRun) => {
    const known = series.get(key) ?? new Series(key);
    series.set(key, known);
    known.add(run);
  };
  for (let run = 1; run <= sizes.runs.commands; run += 1) {
    // Fresh orgs each run, so no run inherits a longer history from the one before.
    const seeded = new Map<string, CommandOrg[]>();
    for (const m of modes) {
      const { orgs, orgEvents } = commandOrgEvents(`cmd${run}${m.key}`, m.orgs);
      await appendOrgs(fleetUrl, orgEvents);
      seeded.set(m.key, orgs);
    }
    for (const concurrency of [1, CLIENTS]) {
      const orgs = seeded.get(concurrency === 1 ? 'c1' : 'c32') ?? [];
      const items = orgs.map(({ org }) => ({
        subject: `gwpool.v1.${org}.cmd.pool.create`,
        body: { name: 'pool-echo-1' },
      }));
      add(
        `echo.c${concurrency}`,
        await requestRun(servers.nats.url, {
          name: `echo c${concurrency}`,
          source: { kind: 'list', items: echoOf(items) },
          concurrency,
          warmupMs: sizes.warmupMs,
          durationMs: sizes.durationMs,
        }),
      );
      for (const m of modes.filter((mode) => mode.concurrency === concurrency)) {
        const modeOrgs = seeded.get(m.key) ?? [];
        for (const command of COMMANDS) {
          const source: RequestSource =
            command === 'pool.create'
              ? { kind: command, orgs: modeOrgs.map((o) => o.org), prefix: `b${run}` }
              : { kind: command, orgs: modeOrgs };
          const result = await requestRun(servers.nats.url, {
            name: `${command} ${m.key}`,
            source,
            concurrency,
            warmupMs: sizes.warmupMs,
            durationMs: sizes.durationMs,
          });
          add(`${command}.${m.key}`, result);
          console.log(
            `  run ${run} ${command.padEnd(15)} ${m.label.padEnd(20)} ${Math.round(result.throughput)} cmd/s`,
          );
        }
      }
    }
  }
  const summaries = Object.fromEntries([...series].map(([key, s]) => [key, s.summary]));
  const summary = (key: string): SeriesSummary => {
    const found = summaries[key];
    if (!found) throw new Error(`no runs of ${key}`);
    return found;
  };
  ctx.details['commands'] = summaries;
  for (const command of COMMANDS) {
    for (const m of modes) {
      const s = summary(`${command}.${m.key}`);
      const echo = summary(`echo.c${m.concurrency}`);
      const name = `${command}, ${m.label}`;
      const base = { scenario: '3 commands', runs: s.runs };
      ctx.figure({ ...base, figure: `${name}: p50`, value: s.p50, unit: 'ms', yardstick: echo.p50 });
      ctx.figure({ ...base, figure: `${name}: p99`, value: s.p99, unit: 'ms', yardstick: echo.p99 });
      ctx.figure({ ...base, figure: `${name}: sustained`, value: s.throughput, unit: 'cmd/s' });
      if (s.errors > 0) ctx.figure({ ...base, figure: `${name}: error replies`, value: s.errors, unit: '' });
    }
  }
}
