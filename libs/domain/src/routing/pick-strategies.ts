import type { LoadReport, PickContext, RoutingMemory, RoutingMember } from './routing-types.js';

/** A report is trusted while younger than `loadFreshMs`; one exactly that old is not, as with the heartbeat TTL. */
export const isLoadFresh = (load: LoadReport | undefined, now: number, loadFreshMs: number): load is LoadReport =>
  load !== undefined && now - load.at < loadFreshMs;

function picksSince(memory: RoutingMemory, gatewayId: string, load: LoadReport): number {
  const entry = memory.picksSinceReport.get(gatewayId);
  return entry !== undefined && entry.at === load.at ? entry.picks : 0;
}

/** The connections a gateway reported plus the picks it was given since: what it probably carries now. */
export const estimatedLoad = (memory: RoutingMemory, gatewayId: string, load: LoadReport): number =>
  load.activeConnections + picksSince(memory, gatewayId, load);

/**
 * Power of two choices: of two random candidates, the one with the lower estimated load per capacity (`first`
 * on a tie, which is as random as the draw). Both must carry a fresh report, or the pick is `first`: plain random.
 * Without a capacity on both sides, raw estimated loads are compared.
 */
export function lessLoaded(first: RoutingMember, second: RoutingMember, context: PickContext): RoutingMember {
  const { now, loadFreshMs, memory } = context;
  const a = first.load;
  const b = second.load;
  if (!isLoadFresh(a, now, loadFreshMs) || !isLoadFresh(b, now, loadFreshMs)) return first;
  const loadA = estimatedLoad(memory, first.gatewayId, a);
  const loadB = estimatedLoad(memory, second.gatewayId, b);
  const byCapacity = a.capacity !== undefined && b.capacity !== undefined && a.capacity > 0 && b.capacity > 0;
  // Cross-multiplied to compare loadA / capA with loadB / capB without rounding.
  const secondIsLighter = byCapacity ? loadB * a.capacity < loadA * b.capacity : loadB < loadA;
  return secondIsLighter ? second : first;
}

/**
 * Counts a pick against the gateway's current report, so callers between two reports spread over the idle
 * members instead of all landing on the one that looked idlest. A newer report (another `at`) restarts the count.
 */
export function recordPick(memory: RoutingMemory, member: RoutingMember, poolSize: number): void {
  const { load } = member;
  if (load === undefined) return;
  const counts = memory.picksSinceReport;
  const entry = counts.get(member.gatewayId);
  if (entry !== undefined && entry.at === load.at) {
    entry.picks += 1;
    return;
  }
  // Departed members are forgotten wholesale now and then; the counts matter only until the next report.
  if (entry === undefined && counts.size > 2 * poolSize + 64) counts.clear();
  counts.set(member.gatewayId, { at: load.at, picks: 1 });
}

/** A uniform index in [0, size). */
export const randomIndex = (random: () => number, size: number): number => Math.floor(random() * size);

/** A uniform index in [0, size) other than `taken`. */
export function otherRandomIndex(random: () => number, size: number, taken: number): number {
  const index = Math.floor(random() * (size - 1));
  return index >= taken ? index + 1 : index;
}
