// Scenario 8: whether long audits slow route.pick. The same picks as scenario 1 (pools of 3, shuffled), with and
// without readers paging through the biggest org's whole history (1,000 events a page, over and over), each beside
// the echo measured under the same condition. Audits are answered by the projector, never by routing-query, so what
// is left is the cost of sharing the machine's cores.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type BenchContext, fleetOf } from '../lib/context.js';
import {
  type Condition,
  type PairedPicks,
  pairedPicks,
  PICK_MODES,
  pickFigures,
  relativeThroughput,
  seriesDetails,
} from '../lib/paired-picks.js';

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
  const { fleet } = fleetOf(ctx);
  const audited = fleet.bigPools[0]?.org;
  if (audited === undefined) throw new Error('the fleet has no big pool to audit');
  const picks = [...fleet.smallPools]
    .sort(() => Math.random() - 0.5)
    .map(({ org, poolId }) => ({ subject: `gwpool.v1.${org}.query.route.pick`, body: { poolId } }));
  const nc = await connect({ servers: ctx.servers.nats.url, name: 'bench-audit' });
  try {
    const conditions: Condition<AuditResult>[] = [
      { key: 'quiet', label: 'no audit' },
      { key: 'audit', label: `${READERS} audits paging`, start: () => auditReaders(nc, audited) },
    ];
    const measured = await pairedPicks(ctx, 'audit', picks, conditions, (run, audits) => {
      const last = audits.at(-1);
      console.log(`  run ${run}: audits read ${Math.round((last?.events ?? 0) / (last?.seconds || 1))} events/s`);
    });
    report(ctx, measured, conditions);
  } finally {
    await nc.close();
  }
}

function report(ctx: BenchContext, measured: PairedPicks<AuditResult>, conditions: Condition<AuditResult>[]): void {
  const scenario = '8 audit';
  const { backgrounds: audits, runs } = measured;
  pickFigures(ctx, scenario, measured, conditions, { throughput: true });
  // The pick's cost against the echo under each condition: what the audits add to it beyond sharing the cores.
  for (const m of PICK_MODES) {
    ctx.figure({
      scenario,
      figure: `route.pick throughput / echo, ${m.label}: with audits vs without`,
      value: relativeThroughput(measured, m.key, 'audit', 'quiet'),
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
  ctx.details['audit'] = { series: seriesDetails(measured.series), audits };
}
