import type { RebuildProgress, RebuildState } from '@gwpool/contracts';

/**
 * Whether the new views have caught up with the live ones: stored at or after the position the live projection has
 * applied. `compare` is the log's order of positions; a log with no event yet is caught up at once.
 */
export function hasCaughtUp(
  compare: (a: string, b: string) => number,
  rebuildStored: string | null,
  liveApplied: string | null,
): boolean {
  if (liveApplied === null) return true;
  return rebuildStored !== null && compare(rebuildStored, liveApplied) >= 0;
}

export interface ProgressInput {
  rebuildId: string;
  state: RebuildState;
  namespace: string;
  previousNamespace: string;
  generation: number;
  replayed: number;
  /** Events after the rebuild's position, as last counted. */
  remaining: number;
  elapsedMs: number;
}

/** Rate over the whole run; an ETA only while replaying, once a second has passed and something was replayed. */
export function progressReport(input: ProgressInput): RebuildProgress {
  const { rebuildId, state, namespace, previousNamespace, generation, replayed, remaining, elapsedMs } = input;
  const seconds = Math.max(0, elapsedMs) / 1000;
  const eventsPerSecond = seconds > 0 ? replayed / seconds : 0;
  const measurable = state === 'replaying' && seconds >= 1 && eventsPerSecond > 0;
  return {
    rebuildId,
    state,
    namespace,
    previousNamespace,
    generation,
    eventsReplayed: replayed,
    eventsTotal: replayed + Math.max(0, remaining),
    seconds: round(seconds, 3),
    eventsPerSecond: round(eventsPerSecond, 1),
    etaSeconds: measurable ? round(Math.max(0, remaining) / eventsPerSecond, 1) : null,
  };
}

const round = (value: number, digits: number): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};
