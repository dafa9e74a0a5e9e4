import type { CheckResult, Liveness } from '../health.js';

/** `HEALTHY_AFTER` and `UNHEALTHY_AFTER`: consecutive checks needed to change a gateway's health. */
export interface DampingPolicy {
  readonly healthyAfter: number;
  readonly unhealthyAfter: number;
}

/** 1 and 1: every check counts at once, which is health without damping. */
export const NO_DAMPING: DampingPolicy = { healthyAfter: 1, unhealthyAfter: 1 };

/**
 * A gateway's damped liveness. `check` is the damped result, so `isHealthy(state, now, ttlMs)` applies the TTL
 * to it unchanged; `pending` counts the consecutive raw checks that disagree with it.
 */
export interface DampedLiveness extends Liveness {
  readonly pending: number;
}

/**
 * Folds one heartbeat's check, received at `at`. Health flips only after `healthyAfter` passed checks in a row
 * (or `unhealthyAfter` failed ones); one check that agrees with the current health resets the count.
 *
 * TTL expiry is not damped: it ends health the moment it runs out. A gateway that was silent that long, or never
 * beat, starts again as unhealthy, so coming back takes `healthyAfter` passed checks like any recovery.
 * A heartbeat older than the last one (out of order through a queue group) changes nothing.
 */
export function dampCheck(
  state: DampedLiveness | undefined,
  check: CheckResult,
  at: number,
  ttlMs: number,
  policy: DampingPolicy = NO_DAMPING,
): DampedLiveness {
  if (state !== undefined && at < state.at) return state;
  const expired = state === undefined || at - state.at >= ttlMs;
  const current: CheckResult = expired ? 'failed' : state.check;
  const pending = expired ? 0 : state.pending;
  if (check === current) return { at, check, pending: 0 };
  const needed = check === 'passed' ? policy.healthyAfter : policy.unhealthyAfter;
  if (pending + 1 >= needed) return { at, check, pending: 0 };
  return { at, check: current, pending: pending + 1 };
}
