// One experiment: the load for a while, the disruption a few seconds in, then what it cost and what it broke.
import { type AckCheck, ackedInLog, type ViewsCheck, viewsVsRebuild } from '../lib/checks.js';
import { COMMAND_ORG, type Fleet } from '../lib/fleet.js';
import { longestGap, startLoad } from '../lib/load.js';
import type { ChaosStack } from '../lib/stack.js';
import type { Disruption } from './disruptions.js';

export interface Timing {
  durationMs: number;
  disruptAtMs: number;
}

export interface Row {
  experiment: string;
  replicas: number;
  picks: { sent: number; failed: Record<string, number> };
  commands: { sent: number; failed: Record<string, number> };
  acks: AckCheck;
  views: ViewsCheck;
  /** Longest silence of the flapping pool's health stream (which changes every 500 ms) during the run. */
  healthGapMs: number;
  notes: string[];
}

export const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

export async function runExperiment(
  stack: ChaosStack,
  fleet: Fleet,
  disruption: Disruption,
  replicas: number,
  { durationMs, disruptAtMs }: Timing,
): Promise<Row> {
  const experiment = `${disruption.name}, ${replicas} instance${replicas === 1 ? '' : 's'} each`;
  console.log(`  ${experiment}`);
  const load = await startLoad(stack.nc, stack.nats.url, fleet, durationMs);
  await new Promise((resolve) => setTimeout(resolve, disruptAtMs));
  const notes = [await disruption.run(stack)];
  const result = await load.done;
  // Whatever was restarted answers again before anything is judged.
  await stack.allReady();
  const acks = await ackedInLog(stack.postgres.url, COMMAND_ORG, result.commands.replies ?? []);
  const views = await viewsVsRebuild(stack);
  const row: Row = {
    experiment,
    replicas,
    picks: { sent: result.picks?.issued ?? 0, failed: result.picks?.failed ?? {} },
    commands: { sent: result.commands.issued, failed: result.commands.failed },
    acks,
    views,
    healthGapMs: longestGap(result.healthAt, load.startedAt + 1000, load.startedAt + durationMs - 500),
    notes,
  };
  console.log(
    `    picks failed ${sum(row.picks.failed)}/${row.picks.sent}, commands failed ${sum(row.commands.failed)}/` +
      `${row.commands.sent}, acked ${acks.acked} (missing ${acks.missing}, duplicated ${acks.duplicated}), ` +
      `views ${views.equal ? '= rebuild' : `differ (${views.differing})`}, health gap ${row.healthGapMs} ms; ${notes.join('; ')}`,
  );
  return row;
}
