/**
 * How soon a waiting heartbeat is processed, in this order:
 * - `news`: a known gateway whose check differs from the last one accepted (health changes go first);
 * - `due`: a known gateway whose liveness needs refreshing, the longest kept alive first;
 * - `newcomer`: a gateway this instance does not keep alive yet, in arrival order;
 * - `fresh`: a known gateway refreshed a moment ago, which can wait.
 */
export type Tier = 'news' | 'due' | 'newcomer' | 'fresh';

interface Entry<T> {
  value: T;
  tier: Tier;
  since: number;
}

interface Ranked {
  key: string;
  since: number;
  seq: number;
}

const before = (a: Ranked, b: Ranked): boolean => a.since < b.since || (a.since === b.since && a.seq < b.seq);

/** A binary min-heap of keys by seniority; entries whose key left the tier are skipped when they surface. */
class SeniorityHeap {
  private items: Ranked[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(key: string, since: number): void {
    const items = this.items;
    let i = items.push({ key, since, seq: this.seq++ }) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i] as Ranked, items[parent] as Ranked)) break;
      [items[i], items[parent]] = [items[parent] as Ranked, items[i] as Ranked];
      i = parent;
    }
  }

  pop(): Ranked | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined) return undefined;
    if (items.length > 0) {
      items[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let least = i;
        if (l < items.length && before(items[l] as Ranked, items[least] as Ranked)) least = l;
        if (r < items.length && before(items[r] as Ranked, items[least] as Ranked)) least = r;
        if (least === i) break;
        [items[i], items[least]] = [items[least] as Ranked, items[i] as Ranked];
        i = least;
      }
    }
    return top;
  }

  clear(): void {
    this.items = [];
  }
}

/**
 * The heartbeats waiting to be processed, at most one per key (a gateway's subject), served by tier. A newer value
 * for a key replaces the waiting one and keeps its place within the tier, so a gateway that beats fast is not served
 * ahead of the others. Every operation is O(1) but those on the due, which are O(log n).
 */
export class IntakeQueue<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly news = new Set<string>();
  private readonly due = new SeniorityHeap();
  private readonly newcomers = new Set<string>();
  private readonly fresh = new Set<string>();

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Puts a value under `key` in `tier` (`since` orders the due); returns the value it replaced, if any. */
  put(key: string, value: T, tier: Tier, since: number): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.entries.set(key, { value, tier, since });
      this.enter(key, tier, since);
      return undefined;
    }
    const replaced = entry.value;
    entry.value = value;
    // Within its tier a key keeps its place, unless its seniority changed (a due key is ordered by it).
    if (entry.tier !== tier || (tier === 'due' && entry.since !== since)) {
      this.leave(key, entry.tier);
      entry.tier = tier;
      entry.since = since;
      this.enter(key, tier, since);
    }
    return replaced;
  }

  /** The oldest of the fresh, or else of the newcomers, taken out to make room; undefined when none waits. */
  evict(): T | undefined {
    for (const key of this.fresh) return this.take(key, this.fresh);
    for (const key of this.newcomers) return this.take(key, this.newcomers);
    return undefined;
  }

  /** The next value to process, taken out of the queue. */
  shift(): T | undefined {
    for (const key of this.news) return this.take(key, this.news);
    while (this.due.size > 0) {
      const { key, since } = this.due.pop() as Ranked;
      const entry = this.entries.get(key);
      // Stale: the key left the tier, or came back with another seniority and is in the heap again under it.
      if (entry?.tier !== 'due' || entry.since !== since) continue;
      this.entries.delete(key);
      return entry.value;
    }
    for (const key of this.newcomers) return this.take(key, this.newcomers);
    for (const key of this.fresh) return this.take(key, this.fresh);
    // Whatever is left in the heap is stale: nothing waits.
    this.due.clear();
    return undefined;
  }

  private take(key: string, tier: Set<string>): T | undefined {
    tier.delete(key);
    const entry = this.entries.get(key);
    this.entries.delete(key);
    return entry?.value;
  }

  /** The set of a tier kept in arrival order; the due are in the heap instead. */
  private arrivals(tier: Tier): Set<string> | undefined {
    return tier === 'news'
      ? this.news
      : tier === 'newcomer'
        ? this.newcomers
        : tier === 'fresh'
          ? this.fresh
          : undefined;
  }

  private enter(key: string, tier: Tier, since: number): void {
    const arrivals = this.arrivals(tier);
    if (arrivals) arrivals.add(key);
    else {
      this.due.push(key, since);
      // Stale entries (of keys that left the tier) are skipped when they surface; under overload the youngest may
      // never surface, so the heap is rebuilt from what waits before they could outgrow it.
      if (this.due.size > 2 * this.entries.size + 1024) this.rebuildDue();
    }
  }

  private rebuildDue(): void {
    this.due.clear();
    for (const [key, entry] of this.entries) if (entry.tier === 'due') this.due.push(key, entry.since);
  }

  /** A due key's heap entry stays and is skipped when it surfaces. */
  private leave(key: string, tier: Tier): void {
    this.arrivals(tier)?.delete(key);
  }
}
