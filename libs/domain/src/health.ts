export type CheckResult = 'passed' | 'failed';
export type PoolStatus = 'green' | 'yellow' | 'red';

/** What the last accepted heartbeat of a gateway said, and when it was received (epoch ms). */
export interface Liveness {
  at: number;
  check: CheckResult;
}

/** A gateway's last heartbeat as data: what a command carries for a rule that judges health. */
export interface GatewayLiveness extends Liveness {
  gatewayId: string;
}

/** Where a rule or a view finds a gateway's last heartbeat (undefined: it never sent one that is known). */
export type LivenessLookup = (gatewayId: string) => Liveness | undefined;

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

const DURATION_PATTERN =
  /^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;
const UNIT_MS = [86_400_000, 3_600_000, 60_000, 1000, 1];

/** Parses durations such as `250ms`, `5s`, `1h`, `1h30m` (units largest first, each at most once); undefined when malformed or under 1 ms. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match || match.slice(1).every((part) => part === undefined)) return undefined;
  let total = 0;
  match.slice(1).forEach((part, index) => {
    if (part !== undefined) total += Number(part) * (UNIT_MS[index] as number);
  });
  return Number.isFinite(total) && total >= 1 ? total : undefined;
}
