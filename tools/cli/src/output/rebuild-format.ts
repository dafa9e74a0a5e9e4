// Pure formatting of a rebuild's progress messages for people: no I/O, no clock.
import type { RebuildProgress } from '@gwpool/contracts/client';
import { formatCount, formatDuration, type Paint } from './format.js';

const STATES: ReadonlySet<string> = new Set(['replaying', 'swapping', 'done', 'failed']);

/** A progress message as the projector publishes it; anything else on the subject is ignored. */
export function isRebuildProgress(value: unknown): value is RebuildProgress {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<RebuildProgress>;
  return (
    typeof p.rebuildId === 'string' &&
    typeof p.state === 'string' &&
    STATES.has(p.state) &&
    typeof p.namespace === 'string' &&
    typeof p.previousNamespace === 'string' &&
    typeof p.eventsReplayed === 'number' &&
    typeof p.eventsTotal === 'number' &&
    typeof p.seconds === 'number' &&
    typeof p.eventsPerSecond === 'number'
  );
}

/** What a finished rebuild did: where the views are now, how much it replayed and how fast, what was left. */
export function rebuildSummary(done: RebuildProgress, paint: Paint): string[] {
  return [
    `${paint('green', 'rebuilt')} the views into ${paint('bold', done.namespace)}: ` +
      `${formatCount(done.eventsReplayed)} events in ${formatDuration(done.seconds * 1000)} ` +
      `(${formatCount(done.eventsPerSecond)} events/s)`,
    `readers now use ${done.namespace}${done.position ? ` (at log position ${done.position})` : ''}`,
    `the previous views are left in ${done.previousNamespace}; drop them when you no longer need them`,
  ];
}
