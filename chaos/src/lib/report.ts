// The table the chaos suite prints, keeps as JSON and puts in the README.
import type { OtherCpu } from '@gwpool/launcher';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { BurstFigures } from '../experiments/burst.js';
import { type Row, sum } from '../experiments/run.js';

export interface Meta {
  startedAt: string;
  seconds: number;
  mode: string;
  loadBefore: number;
  loadAfter: number;
  otherCpu: OtherCpu;
  commit: string;
}

const n = (value: number) => value.toLocaleString('en-US');

function failures({ sent, failed }: { sent: number; failed: Record<string, number> }): string {
  const total = sum(failed);
  if (total === 0) return `0 of ${n(sent)}`;
  const kinds = Object.entries(failed)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, count]) => `${kind} ${n(count)}`)
    .join(', ');
  return `${n(total)} of ${n(sent)}: ${kinds}`;
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

export function renderTable(rows: readonly Row[], burst: BurstFigures | undefined, meta: Meta): string {
  const header = ['experiment', 'failed picks', 'failed commands', 'acked: missing/dup', 'views', 'health gap'];
  const lines = pad([
    header,
    header.map((h) => '-'.repeat(h.length)),
    ...rows.map((r) => [
      r.experiment,
      failures(r.picks),
      failures(r.commands),
      `${n(r.acks.acked)}: ${r.acks.missing}/${r.acks.duplicated}`,
      r.views.equal ? '= rebuild' : `differ (${r.views.differing})`,
      `${(r.healthGapMs / 1000).toFixed(1)} s`,
    ]),
  ]);
  const notes = rows.map((r) => `  ${r.experiment}: ${r.notes.join('; ')}`);
  const out = [...lines, '', 'notes:', ...notes];
  if (burst) out.push('', ...describeBurst(burst));
  out.push(
    '',
    'load: gateways beating every second (HEARTBEAT_TTL 5s), route.pick 200/s, pool.create 10/s; a gateway flipping its',
    'check every 500 ms, so the health stream of its pool never goes quiet (health gap: its longest silence).',
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}; 1-min load average ${meta.loadBefore.toFixed(1)} before, ` +
      `${meta.loadAfter.toFixed(1)} after; other processes took ${Math.round(meta.otherCpu.share * 100)} % of the CPUs meanwhile`,
    `run: ${meta.startedAt}, ${meta.mode}, ${Math.round(meta.seconds)} s; commit ${meta.commit}`,
  );
  return out.join('\n');
}

function describeBurst(b: BurstFigures): string[] {
  const { ingest } = b;
  const ratio = b.pickP99BurstMs / b.pickP99IdleMs;
  const echoRatio = b.echoP99BurstMs / b.echoP99IdleMs;
  return [
    `burst: ${n(b.gateways)} gateways, offered ${n(Math.round(b.offered.rate))} hb/s for ${b.offered.seconds.toFixed(1)} s ` +
      `(${n(b.offered.sent)} sent), ${ingest.instances} heartbeat-ingest instances`,
    `  received ${n(ingest.received)}, accepted ${n(ingest.accepted)}, shed ${n(ingest.shed)} (counted), ` +
      `invalid or unregistered ${n(ingest.dropped)}, still queued ${n(ingest.queued)}`,
    `  NATS slow consumers: ${b.slowConsumers}; heartbeat-ingest kept its connections: ${b.stayedConnected ? 'yes' : 'no'}`,
    `  heartbeat-ingest RSS: ${b.memory
      .map((m) => `${m.label} ${m.beforeMb.toFixed(0)} -> ${m.afterMb.toFixed(0)} MB (peak ${m.peakMb.toFixed(0)})`)
      .join(', ')}`,
    `  route.pick p99: ${b.pickP99IdleMs.toFixed(1)} ms idle, ${b.pickP99BurstMs.toFixed(1)} ms during the burst ` +
      `(${ratio.toFixed(2)}x; target <= 3x: ${ratio <= 3 ? 'met' : 'NOT met'}); p50 ${b.pickP50IdleMs.toFixed(1)} and ` +
      `${b.pickP50BurstMs.toFixed(1)} ms, p90 ${b.pickP90IdleMs.toFixed(1)} and ${b.pickP90BurstMs.toFixed(1)} ms`,
    `  echo yardstick p99 beside it: ${b.echoP99IdleMs.toFixed(1)} ms idle, ${b.echoP99BurstMs.toFixed(1)} ms during ` +
      `the burst (${echoRatio.toFixed(2)}x): the bus and the machine with no service code`,
    `  burst gateways healthy right after it: ${n(b.healthyAfter)} of ${n(b.gateways)}`,
    '  the generator stands in for remote gateways and runs at nice 10; heartbeat-ingest lowers itself to nice 10 ' +
      '(INGEST_NICE)',
    `  CPU during the burst, % of one core: ${Object.entries(b.cpuPercent)
      .map(([label, percent]) => `${label} ${Math.round(percent)}`)
      .join(', ')}`,
  ];
}

const START = '<!-- chaos:table -->';
const END = '<!-- /chaos:table -->';

/** Puts the table between the README's chaos markers. */
export function updateReadme(readme: string, table: string): void {
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  writeFileSync(readme, `${text.slice(0, start)}${START}\n\n\`\`\`text\n${table}\n\`\`\`\n\n${text.slice(end)}`);
}
