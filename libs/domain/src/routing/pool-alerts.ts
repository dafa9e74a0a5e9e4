import type { PoolStatus } from '../health.js';

export type AlertKind = 'down' | 'degraded' | 'recovered';

/** The kind of alert that announces a pool reaching each status. */
export const ALERT_KIND: Readonly<Record<PoolStatus, AlertKind>> = {
  red: 'down',
  yellow: 'degraded',
  green: 'recovered',
};

export const DEFAULT_ALERT_COOLDOWN_MS = 60_000;

/** One look at a pool's health, as a sweep computes it. */
export interface PoolHealthSample {
  readonly status: PoolStatus;
  readonly healthy: number;
  readonly total: number;
  readonly now: number;
}

/** What to publish; the edge adds the pool's id and name. */
export interface PoolAlert {
  readonly kind: AlertKind;
  readonly status: PoolStatus;
  readonly healthy: number;
  readonly total: number;
  readonly at: number;
}

/** Alert state of one pool: plain data, replaced at each step. */
export interface AlertState {
  /** The status the last alert announced (or the baseline); undefined until the first sample. */
  readonly announced: PoolStatus | undefined;
  readonly latest: Omit<PoolHealthSample, 'now'> | undefined;
  /** When each kind was last sent, for its cooldown. */
  readonly sentAt: Readonly<Partial<Record<AlertKind, number>>>;
  /** A pool created while watched: nothing is announced until it is first green (a new pool is not down). */
  readonly awaitingGreen?: boolean;
}

export interface AlertStep {
  readonly state: AlertState;
  readonly alert?: PoolAlert;
}

/**
 * The state before the first sample. With no `announced` status, the first sample becomes the baseline without
 * an alert (a restarted process does not repeat what the one before it said); pass `green` for a pool known to
 * have started out fine.
 */
export const initialAlertState = (announced?: PoolStatus): AlertState => ({
  announced,
  latest: undefined,
  sentAt: {},
});

/**
 * The state of a pool that appeared while its health was being watched (created, not found at start): its first
 * status is not news, and an alert only makes sense once the pool has been up. Until its first green sample nothing
 * is announced; that sample becomes the baseline, and from then on it alerts like any other pool.
 */
export const newPoolAlertState = (): AlertState => ({ ...initialAlertState(), awaitingGreen: true });

/**
 * Alerts converge on the pool's status: one is sent when the status differs from the last one announced and its
 * kind is out of cooldown. Hence
 * - a sweep that finds the status unchanged sends nothing, and so does a yellow pool whose count moves;
 * - at most one alert per kind per cooldown;
 * - a `recovered` always follows a sent `down` (or `degraded`): if its cooldown is running it is deferred to the
 *   end of it, and sent then only if the pool is still green;
 * - a pool that flaps many times within the cooldown and ends green yields one `down` and one `recovered`
 *   (if it ends red, a second `down` follows when the cooldown ends: the operator must not be left reassured).
 */
export function observePoolHealth(
  state: AlertState,
  sample: PoolHealthSample,
  cooldownMs = DEFAULT_ALERT_COOLDOWN_MS,
): AlertStep {
  const { status, healthy, total, now } = sample;
  const latest = { status, healthy, total };
  if (state.awaitingGreen) {
    return { state: status === 'green' ? { announced: status, latest, sentAt: state.sentAt } : { ...state, latest } };
  }
  if (state.announced === undefined) return { state: { ...state, announced: status, latest } };
  return tickPoolAlerts({ ...state, latest }, now, cooldownMs);
}

/** Sends a deferred alert once its cooldown is over; call it at `nextAlertAt`, or on any timer. */
export function tickPoolAlerts(state: AlertState, now: number, cooldownMs = DEFAULT_ALERT_COOLDOWN_MS): AlertStep {
  const { latest, announced } = state;
  if (latest === undefined || announced === undefined || latest.status === announced) return { state };
  const kind = ALERT_KIND[latest.status];
  const last = state.sentAt[kind];
  if (last !== undefined && now - last < cooldownMs) return { state };
  return {
    state: { announced: latest.status, latest, sentAt: { ...state.sentAt, [kind]: now } },
    alert: { kind, ...latest, at: now },
  };
}

/** When a deferred alert becomes due, or undefined when none is waiting. */
export function nextAlertAt(state: AlertState, cooldownMs = DEFAULT_ALERT_COOLDOWN_MS): number | undefined {
  const { latest, announced } = state;
  if (latest === undefined || announced === undefined || latest.status === announced) return undefined;
  const last = state.sentAt[ALERT_KIND[latest.status]];
  return last === undefined ? undefined : last + cooldownMs;
}
