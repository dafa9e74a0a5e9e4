// Order statistics over latency samples (milliseconds) and small helpers for run-to-run figures.

export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of a sorted array; p in [0, 100]. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/** Samples of several runs pooled into one distribution: a run's tail is not averaged away by the others. */
export function summarize(sampleArrays: readonly ArrayLike<number>[]): Distribution {
  let total = 0;
  for (const a of sampleArrays) total += a.length;
  const all = new Float64Array(total);
  let at = 0;
  for (const a of sampleArrays) {
    all.set(a, at);
    at += a.length;
  }
  all.sort();
  return {
    count: all.length,
    p50: percentileSorted(all, 50),
    p90: percentileSorted(all, 90),
    p99: percentileSorted(all, 99),
    max: all.length ? (all[all.length - 1] ?? Number.NaN) : Number.NaN,
  };
}

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return (sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2) ?? Number.NaN;
}

/** Least-squares slope of y over x (units of y per unit of x). */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
