// Reads a V8 .cpuprofile and sums self time by function and by package, to name the hot spots.
import { repoRoot } from '@gwpool/launcher';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface Ranked {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  functions: Ranked[];
  origins: Ranked[];
}

/** Where a function lives: a package under node_modules, a lib or service of ours, or Node's own code. */
function originOf(url: string): string {
  if (!url) return '(native/vm)';
  if (url.startsWith('node:')) return 'node:internal';
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg?.[1]) return pkg[1];
  const own = /dist\/((?:libs|services)\/[^/]+)/.exec(path);
  if (own?.[1]) return own[1];
  return relative(repoRoot(), path);
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let totalUs = 0;
  const fns = new Map<string, number>();
  const origins = new Map<string, number>();
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { callFrame } = node;
    // Idle is the event loop waiting: not work, so shares are of busy time.
    if (callFrame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    totalUs += us;
    const origin = originOf(callFrame.url);
    const where = callFrame.url
      ? `${origin}${callFrame.url.startsWith('node:') ? ` ${callFrame.url}` : ''}:${callFrame.lineNumber + 1}`
      : origin;
    const key = `${callFrame.functionName || '(anonymous)'} ${where}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    origins.set(origin, (origins.get(origin) ?? 0) + us);
  }
  const rank = (map: Map<string, number>): Ranked[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: us / totalUs }));
  return {
    busyMs: Math.round(totalUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    functions: rank(fns),
    origins: rank(origins),
  };
}
