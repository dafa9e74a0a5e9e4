export type CheckResult = 'passed' | 'failed';
export type PoolStatus = 'green' | 'yellow' | 'red';

/** What the last accepted heartbeat of a gateway said, and when it was received (epoch ms). */
export interface Liveness {
  at: number;
  check: CheckResult;
}

export const DEFAULT_HEARTBEAT_TTL_MS = 60 * 60 * 1000;

/** Healthy: the last heartbeat is younger than the TTL and its check did not fail. */
export const isHealthy = (liveness: Liveness | undefined, now: number, ttlMs: number): boolean =>
  liveness !== undefined && liveness.check !== 'failed' && now - liveness.at < ttlMs;

/** When a healthy gateway stops being healthy unless another heartbeat arrives. */
export const healthyUntil = (liveness: Liveness, ttlMs: number): number => liveness.at + ttlMs;

export function poolStatus(healthy: number, total: number): PoolStatus {
  if (total > 0 && healthy === total) return 'green';
  return healthy > 0 ? 'yellow' : 'red';
}

/** The newer of two liveness facts; heartbeats may arrive out of order through a queue group. */
export const newerLiveness = (current: Liveness | undefined, next: Liveness): Liveness =>
  current !== undefined && current.at > next.at ? current : next;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses durations such as `250ms`, `5s`, `1h`, `1h30m`; returns undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    total += Number(amount) * (UNITS[unit as string] as number);
  }
  return total > 0 ? total : undefined;
}
