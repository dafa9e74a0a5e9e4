// Scenario 8: whether long audits slow route.pick. The same picks as scenario 1 (pools of 3, shuffled), with and
// without readers paging through the biggest org's whole history (1,000 events a page, over and over), each beside
// the echo measured under the same condition. Audits are answered by the projector, never by routing-query, so what
// is left is the cost of sharing the machine's cores.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type BenchContext, fleetOf } from '../lib/context.js';
import { echoOf, requestRun, Series, type SeriesSummary } from '../lib/load.js';

const READERS = 4;
const PAGE = 1000;

interface AuditResult {
  pages: number;
  events: number;
  errors: number;
  seconds: number;
  firstError?: string;
}

/** `READERS` closed loops, each paging through the org's audit from the start, again and again, until stopped. */
function auditReaders(nc: NatsConnection, org: string): { stop(): Promise<AuditResult> } {
  const result: AuditResult = { pages: 0, events: 0, errors: 0, seconds: 0 };
  let stopped = false;
  const started = performance.now();
  const reader = async () => {
    let after: string | undefined;
    while (!stopped) {
      const body = JSON.stringify(after === undefined ? { limit: PAGE } : { limit: PAGE, after });
      try {
        const reply = await nc.request(`gwpool.v1.${org}.query.audit.events`, body, { timeout: 10_000 });
        if (reply.headers?.get('Nats-Service-Error-Code')) throw new Error(reply.string());
        const { events, next } = reply.json<{ events: unknown[]; next?: string }>();
        result.pages += 1;
        result.events += events.length;
        // Past the end of the history: start over, as another auditor would.
        after = events.length < PAGE ? undefined : next;
      } catch (error) {
        result.errors += 1;
        result.firstError ??= String(error);
        after = undefined;
      }
    }
  };
  const loops = Array.from({ length: READERS }, reader);
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      result.seconds = (performance.now() - started) / 1000;
      return result;
    },
  };
}

export async function auditIsolationScenario(ctx: BenchContext): Promise<void> {
  const { sizes, servers } = ctx;
  const { fleet } = fleetOf(ctx);
  const audited = fleet.bigPools[0]?.org;
  if (audited === undefined) throw new Error('the fleet has no big pool to audit');
  const picks = [...fleet.smallPools]
    .sort(() => Math.random() - 0.5)
    .map(({ org, poolId }) => ({ subject: `gwpool.v1.${org}.query.route.pick`, body: { poolId } }));
  const modes = [
    { key: 'seq', label: 'sequential', concurrency: 1 },
    { key: 'c64', label: '64 in flight', concurrency: 64 },
  ];
  const series = new Map<string, Series>();
  const seriesOf = (key: string): Series => {
    const known = series.get(key) ?? new Series(key);
    series.set(key, known);
    return known;
  };
  const audits: AuditResult[] = [];
  const nc = await connect({ servers: servers.nats.url, name: 'bench-audit' });
  try {
    const runs = Math.min(3, sizes.runs.routing);
    for (let run = 1; run <= runs; run += 1) {
      for (const auditing of [false, true]) {
        const readers = auditing ? auditReaders(nc, audited) : undefined;
        for (const m of modes) {
          for (const [target, items] of [
            ['echo', echoOf(picks)],
            ['pick', picks],
          ] as const) {
            const result = await requestRun(servers.nats.url, {
              name: `audit ${target} ${m.key}`,
              source: { kind: 'list', items: [...items] },
              concurrency: m.concurrency,
              warmupMs: sizes.warmupMs,
              durationMs: sizes.durationMs,
            });
            seriesOf(`${target}.${m.key}.${auditing ? 'audit' : 'quiet'}`).add(result);
          }
        }
        if (readers) audits.push(await readers.stop());
      }
      const last = audits.at(-1);
      console.log(`  run ${run}: audits read ${Math.round((last?.events ?? 0) / (last?.seconds || 1))} events/s`);
    }
    report(ctx, series, audits, runs);
  } finally {
    await nc.close();
  }
}

function report(ctx: BenchContext, series: Map<string, Series>, audits: AuditResult[], runs: number): void {
  const summary = (key: string): SeriesSummary => {
    const found = series.get(key);
    if (!found) throw new Error(`no runs of ${key}`);
    return found.summary;
  };
  const scenario = '8 audit';
  for (const m of [
    { key: 'seq', label: 'sequential' },
    { key: 'c64', label: '64 in flight' },
  ]) {
    for (const [condition, label] of [
      ['quiet', 'no audit'],
      ['audit', `${READERS} audits paging`],
    ] as const) {
      const pick = summary(`pick.${m.key}.${condition}`);
      const echo = summary(`echo.${m.key}.${condition}`);
      const name = `route.pick, pool of 3, ${m.label}, ${label}`;
      ctx.figure({ scenario, figure: `${name}: p50`, value: pick.p50, unit: 'ms', yardstick: echo.p50, runs });
      ctx.figure({ scenario, figure: `${name}: p99`, value: pick.p99, unit: 'ms', yardstick: echo.p99, runs });
      ctx.figure({
        scenario,
        figure: `${name}: throughput`,
        value: pick.throughput,
        unit: 'req/s',
        yardstick: echo.throughput,
        runs,
      });
      if (pick.errors > 0) ctx.figure({ scenario, figure: `${name}: error replies`, value: pick.errors, unit: '' });
    }
    // The pick's cost against the echo under each condition: what the audits add to it beyond sharing the cores.
    const ratio = (condition: string) =>
      summary(`pick.${m.key}.${condition}`).throughput / summary(`echo.${m.key}.${condition}`).throughput;
    ctx.figure({
      scenario,
      figure: `route.pick throughput / echo, ${m.label}: with audits vs without`,
      value: (ratio('audit') / ratio('quiet')) * 100,
      unit: '%',
      runs,
    });
  }
  const seconds = audits.reduce((n, a) => n + a.seconds, 0);
  const events = audits.reduce((n, a) => n + a.events, 0);
  const pages = audits.reduce((n, a) => n + a.pages, 0);
  ctx.figure({ scenario, figure: 'audit events read meanwhile', value: events / seconds, unit: 'events/s', runs });
  ctx.figure({ scenario, figure: 'audit pages answered meanwhile', value: pages / seconds, unit: 'pages/s', runs });
  const errors = audits.reduce((n, a) => n + a.errors, 0);
  if (errors > 0) {
    const first = audits.find((a) => a.firstError)?.firstError ?? '';
    ctx.figure({ scenario, figure: `audit error replies (${first.slice(0, 40)})`, value: errors, unit: '' });
  }
  ctx.details['audit'] = { series: Object.fromEntries([...series].map(([key, s]) => [key, s.summary])), audits };
}
