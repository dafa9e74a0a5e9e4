import { jest } from '@jest/globals';
import { repoRoot } from '@gwpool/launcher';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

jest.setTimeout(300_000);

interface Row {
  experiment: string;
  picks: { sent: number; failed: Record<string, number> };
  commands: { sent: number; failed: Record<string, number> };
  acks: { acked: number; missing: number; duplicated: number };
  views: { equal: boolean; differing: number };
  healthGapMs: number;
  notes: string[];
}

/** `npm run chaos -- --short` from the build: its own servers, every service twice, each killed in turn. */
async function shortChaos(): Promise<{ rows: Row[]; table: string; output: string }> {
  const dir = mkdtempSync(join(process.env['GWPOOL_TEST_TMPDIR'] ?? tmpdir(), 'gwpool-chaos-'));
  const json = join(dir, 'chaos.json');
  const entry = pathToFileURL(join(repoRoot(), 'dist/chaos/src/main.js')).href;
  const script = `const { main } = await import(${JSON.stringify(entry)}); await main(['--short', '--json=${json}']); process.exit();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repoRoot(),
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    if (code !== 0) throw new Error(`the chaos suite exited with ${code}:\n${output}`);
    return { ...(JSON.parse(readFileSync(json, 'utf8')) as { rows: Row[]; table: string }), output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('kill -9 of any one of two instances of each service, under load', () => {
  let rows: Row[];
  let table: string;

  beforeAll(async () => {
    ({ rows, table } = await shortChaos());
    console.log(table);
  });

  it('ran one experiment per service, each to the end', () => {
    expect(rows.map((r) => r.experiment)).toEqual(
      ['routing-query', 'pool-command', 'heartbeat-ingest', 'projector'].map((s) => `kill -9 ${s}, 2 instances each`),
    );
    for (const row of rows) expect(row.notes.join()).not.toMatch(/did not complete/);
  });

  it('costs no "no responders", and loses at most the requests in flight at the killed instance', () => {
    for (const { experiment, picks, commands } of rows) {
      // The load keeps 16 picks and 4 commands in flight at most: a request lost with its instance times out.
      expect([experiment, picks.failed]).toEqual([
        experiment,
        picks.failed['timeout'] ? { timeout: expect.any(Number) } : {},
      ]);
      expect([experiment, commands.failed]).toEqual([
        experiment,
        commands.failed['timeout'] ? { timeout: expect.any(Number) } : {},
      ]);
      expect(picks.failed['timeout'] ?? 0).toBeLessThanOrEqual(16);
      expect(commands.failed['timeout'] ?? 0).toBeLessThanOrEqual(4);
      expect(picks.sent).toBeGreaterThan(0);
    }
  });

  it('never reports a healthy gateway unhealthy', () => {
    for (const { experiment, picks } of rows)
      expect([experiment, picks.failed['NO_HEALTHY_GATEWAY'] ?? 0]).toEqual([experiment, 0]);
  });

  it('keeps every acknowledged command in the log exactly once', () => {
    for (const { experiment, acks } of rows) {
      expect([experiment, acks.missing, acks.duplicated]).toEqual([experiment, 0, 0]);
      expect(acks.acked).toBeGreaterThan(0);
    }
  });

  it('leaves views equal to a rebuild from the log', () => {
    for (const { experiment, views } of rows) expect([experiment, views.equal]).toEqual([experiment, true]);
  });

  it('keeps the health stream going', () => {
    // The bound is 2 s; this machine is shared, so only a stalled stream fails here.
    for (const { experiment, healthGapMs } of rows)
      expect([experiment, healthGapMs < 5000]).toEqual([experiment, true]);
  });
});
