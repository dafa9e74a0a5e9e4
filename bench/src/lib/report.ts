// The one table the benchmark prints, its JSON copy, and the README section between the bench markers.
import { repoRoot } from '@gwpool/launcher';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Figure, Sizes, Target } from './context.js';
import type { OtherCpu } from '@gwpool/launcher';
import { describeMachine, type Machine } from './machine.js';

const RESULTS = join(repoRoot(), 'bench/results');
const README = join(repoRoot(), 'README.md');
const START = '<!-- bench:table -->';
const END = '<!-- /bench:table -->';

export interface RunMeta {
  startedAt: string;
  seconds: number;
  loadAverageBefore: number;
  otherCpu: OtherCpu;
  mode: string;
  sizes: Sizes;
}

export interface Report {
  meta: RunMeta;
  machine: Machine;
  figures: Figure[];
  details: Record<string, unknown>;
  table: string;
}

const group = (n: number) => Math.round(n).toLocaleString('en-US');

export function formatValue(value: number | undefined, unit: string | undefined): string {
  if (value === undefined) return '';
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'ms') return `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : group(value)} ms`;
  if (unit === 'µs') return `${Math.round(value)} µs`;
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  if (unit === 's') return `${value.toFixed(1)} s`;
  if (unit === '%') return `${Math.round(value)} %`;
  if (unit === '') return value < 100 ? String(Math.round(value * 100) / 100) : group(value);
  return `${group(value)} ${unit}`;
}

function targetText(target: Target | undefined, unit: string | undefined): string {
  if (!target) return '';
  if (target.text) return target.text;
  if (target.ratioAtMost !== undefined) return `<= ${target.ratioAtMost}x echo`;
  if (target.ratioAtLeast !== undefined) return `>= ${target.ratioAtLeast}x echo`;
  if (target.atMost !== undefined) return `<= ${formatValue(target.atMost, unit)}`;
  if (target.atLeast !== undefined) return `>= ${formatValue(target.atLeast, unit)}`;
  return '';
}

/** Whether a figure meets its target; undefined when it has none. */
export function judge({ value, yardstick, target }: Figure): boolean | undefined {
  if (!target || target.met !== undefined) return target?.met;
  const v = value ?? Number.NaN;
  const ratio = yardstick ? v / yardstick : Number.NaN;
  if (target.ratioAtMost !== undefined) return ratio <= target.ratioAtMost;
  if (target.ratioAtLeast !== undefined) return ratio >= target.ratioAtLeast;
  if (target.atMost !== undefined) return v <= target.atMost;
  if (target.atLeast !== undefined) return v >= target.atLeast;
  return undefined;
}

export function renderTable(figures: readonly Figure[], machine: Machine, meta: RunMeta): string {
  const header = ['scenario', 'figure', 'value', 'echo yardstick', 'ratio', 'target', 'met', 'runs'];
  // Scenario order, whatever order they ran in (memory is read between the others).
  const ordered = [...figures].sort((a, b) => Number.parseInt(a.scenario, 10) - Number.parseInt(b.scenario, 10));
  const rows = ordered.map((f) => [
    f.scenario,
    f.figure,
    f.text ?? formatValue(f.value, f.unit),
    f.yardstick === undefined ? '' : formatValue(f.yardstick, f.yardstickUnit ?? f.unit),
    f.yardstick ? `${((f.value ?? Number.NaN) / f.yardstick).toFixed(2)}x` : '',
    targetText(f.target, f.unit),
    f.met === undefined ? '' : f.met ? 'yes' : 'NO',
    f.runs === undefined ? '' : String(f.runs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const right = new Set([2, 3, 4, 7]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `p50/p99 pool every run's samples; throughput is the median run. Yardstick: raw @nats-io/transport-node echo, same client, same load.`,
    ...describeMachine(machine),
    `run: ${meta.startedAt}, ${meta.mode}, ${Math.round(meta.seconds)} s; other processes took ` +
      `${(meta.otherCpu.share * 100).toFixed(0)} % of the CPUs meanwhile (1-min load average before: ${meta.loadAverageBefore.toFixed(1)})`,
  ].join('\n');
}

/** `latest` only for the runs the README shows, so latest.json and the README table always agree. */
export function writeResults(report: Report, { latest }: { latest: boolean }): string {
  mkdirSync(RESULTS, { recursive: true });
  const stamp = report.meta.startedAt.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const file = join(RESULTS, `${stamp}.json`);
  writeFileSync(file, json);
  if (latest) writeFileSync(join(RESULTS, 'latest.json'), json);
  return file;
}

/** Replaces only what lies between the markers; the rest of the README is others' to edit. */
export function updateReadme(table: string): void {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  const section = `${START}\n\n\`\`\`text\n${table}\n\`\`\`\n\n`;
  writeFileSync(README, text.slice(0, start) + section + text.slice(end));
}
