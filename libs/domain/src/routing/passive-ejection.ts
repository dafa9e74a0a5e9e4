/** What a caller saw when it used the gateway it was given. */
export type CallerOutcome = 'ok' | 'failed';

export interface EjectionPolicy {
  /** Consecutive `failed` reports that make a member suspect. */
  readonly failuresToEject: number;
  /** How long the first ejection lasts; each repeat doubles it. */
  readonly baseEjectionMs: number;
  /** The longest an ejection lasts; also each period of good conduct that takes one doubling back off. */
  readonly maxEjectionMs: number;
}

export const DEFAULT_EJECTION_POLICY: EjectionPolicy = {
  failuresToEject: 3,
  baseEjectionMs: 30_000,
  maxEjectionMs: 300_000,
};

/** A report as every holder of the state stamps it: when it was taken, and by whom (an opaque id). */
export interface ReportStamp {
  readonly at: number;
  readonly by: string;
}

/** Passive ejection state of one (pool, gateway); plain data, replaced on every report. */
export interface EjectionState {
  /** Consecutive `failed` reports since the last `ok` or ejection. */
  readonly failures: number;
  /** Repeat count of the last ejection (1 for a first one); the next lasts base × 2^level, before decay. */
  readonly level: number;
  /** When the current or last ejection ends (epoch ms); suspect while `now < until`. 0 when never ejected. */
  readonly until: number;
  /** The latest-stamped of the `failures` in a row (see `ejectionTrigger`). */
  readonly lastFailure?: ReportStamp;
  /** The latest-stamped of the failures that started the current or last ejection. */
  readonly trigger?: ReportStamp;
}

export const NEVER_EJECTED: EjectionState = { failures: 0, level: 0, until: 0 };

/** The level past which doubling no longer lengthens an ejection (the cap is reached). */
function maxLevel(policy: EjectionPolicy): number {
  let level = 1;
  while (policy.baseEjectionMs * 2 ** (level - 1) < policy.maxEjectionMs && level < 32) level += 1;
  return level;
}

/**
 * The level an ejection starting now builds on (it lasts one doubling more). Decay: every full `maxEjectionMs`
 * spent un-ejected since the last ejection ended takes one level off. With the defaults, a member ejected for
 * 120 s and failing again at once gets 240 s; after 5 calm minutes, 120 s again; after 15, the base 30 s.
 */
export function decayedLevel(state: EjectionState, now: number, policy = DEFAULT_EJECTION_POLICY): number {
  if (state.level === 0 || now < state.until) return state.level;
  const calm = Math.floor((now - state.until) / policy.maxEjectionMs);
  return Math.max(0, state.level - calm);
}

/** How long the ejection at `level` (1 = first) lasts. */
export const ejectionMs = (level: number, policy = DEFAULT_EJECTION_POLICY): number =>
  Math.min(policy.baseEjectionMs * 2 ** Math.max(0, level - 1), policy.maxEjectionMs);

export const isSuspectAt = (state: EjectionState | undefined, now: number): boolean =>
  state !== undefined && now < state.until;

/** What views show: the end of the current ejection, or undefined when the member is not suspect. */
export const suspectUntil = (state: EjectionState | undefined, now: number): number | undefined =>
  isSuspectAt(state, now) ? state?.until : undefined;

/**
 * Folds one caller report, received at `now`:
 * - `ok` resets the failure count and ends a running ejection (the member is back right away);
 * - `failed` while not suspect counts; the `failuresToEject`-th in a row makes the member suspect for
 *   `ejectionMs(level)`, where level is the decayed previous level plus one (30 s, 60 s, 120 s, 240 s, 300 s…);
 * - `failed` while suspect changes nothing: in panic mode suspects still get picks, and their failures must not
 *   stretch the ejection out of reach.
 */
export function reportOutcome(
  state: EjectionState | undefined,
  outcome: CallerOutcome,
  now: number,
  policy = DEFAULT_EJECTION_POLICY,
  by = '',
): EjectionState {
  const current = state ?? NEVER_EJECTED;
  const suspect = isSuspectAt(current, now);
  const kept = current.trigger === undefined ? {} : { trigger: current.trigger };
  if (outcome === 'ok') {
    if (suspect) return { failures: 0, level: current.level, until: now, ...kept };
    return current.failures === 0 ? current : { failures: 0, level: current.level, until: current.until, ...kept };
  }
  if (suspect) return current;
  const failures = current.failures + 1;
  const lastFailure = later(current.lastFailure, { at: now, by });
  if (failures < policy.failuresToEject) return { ...current, failures, lastFailure };
  const level = Math.min(decayedLevel(current, now, policy) + 1, maxLevel(policy));
  return { failures: 0, level, until: now + ejectionMs(level, policy), trigger: lastFailure };
}

const later = (a: ReportStamp | undefined, b: ReportStamp): ReportStamp =>
  a !== undefined && (a.at > b.at || (a.at === b.at && a.by > b.by)) ? a : b;

/** True when a report taken at `now` moved the member from usable to suspect: one ejection, for counting. */
export const startsEjection = (before: EjectionState | undefined, after: EjectionState, now: number): boolean =>
  !isSuspectAt(before, now) && isSuspectAt(after, now);

/**
 * Who counts the ejection this report started, if it started one: the taker of the latest-stamped of the failures
 * that started it. Holders that apply the same reports in different orders (each instance takes some and is told
 * of the others) agree on it, so summed over them each ejection is counted once. They can disagree only when more
 * failures than needed arrive at once, some of them while the member is already suspect in one holder's order.
 */
export const ejectionTrigger = (
  before: EjectionState | undefined,
  after: EjectionState,
  now: number,
): ReportStamp | undefined => (startsEjection(before, after, now) ? after.trigger : undefined);

/** True when the state says nothing a fresh one would not: the entry can be dropped to bound memory. */
export const isForgettable = (state: EjectionState, now: number, policy = DEFAULT_EJECTION_POLICY): boolean =>
  state.failures === 0 && !isSuspectAt(state, now) && decayedLevel(state, now, policy) === 0;
