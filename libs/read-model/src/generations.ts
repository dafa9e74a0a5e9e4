import type { ViewsPointer } from './index.js';

/** What a namespace may be called: an identifier both adapters accept (a PostgreSQL schema, a MongoDB database). */
export const NAMESPACE_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** The namespace of a generation of views: the base itself for generation 0, `${base}_r${n}` after that. */
export function generationNamespace(base: string, generation: number): string {
  if (!Number.isSafeInteger(generation) || generation < 0)
    throw new RangeError(`generation ${generation} is not a whole number >= 0`);
  return generation === 0 ? base : `${base}_r${generation}`;
}

/** The active views: the pointer's, or the base namespace's own when no rebuild ever swapped. */
export const activeViews = (base: string, pointer: ViewsPointer | null): ViewsPointer =>
  pointer ?? { namespace: base, generation: 0 };

/**
 * Where a rebuild goes: the generation after the active one. Its namespace is never the active one, so a rebuild can
 * empty it first (a rebuild that failed halfway leaves one behind). Throws when the name would be too long.
 */
export function nextGeneration(base: string, pointer: ViewsPointer | null): ViewsPointer {
  const generation = activeViews(base, pointer).generation + 1;
  const namespace = generationNamespace(base, generation);
  if (!NAMESPACE_PATTERN.test(namespace))
    throw new RangeError(`the next generation's namespace '${namespace}' would not match ${NAMESPACE_PATTERN}`);
  return { namespace, generation };
}

/** A pointer read back from a store: anything else than a valid one is refused rather than followed. */
export function isViewsPointer(value: unknown): value is ViewsPointer {
  if (typeof value !== 'object' || value === null) return false;
  const { namespace, generation } = value as Partial<ViewsPointer>;
  return (
    typeof namespace === 'string' &&
    NAMESPACE_PATTERN.test(namespace) &&
    typeof generation === 'number' &&
    Number.isSafeInteger(generation) &&
    generation >= 0
  );
}
