/** The order of two positions of one event log (`EventLog.comparePositions`); throws on one that is not the log's. */
export type PositionOrder = (a: string, b: string) => number;

interface Waiter {
  position: string;
  settle: (reached: boolean) => void;
}

export interface PositionGateLimits {
  /** Orgs with an announced position not yet applied; past it, announcements raise one floor for every org. */
  orgs: number;
  /** Reads waiting at once; past it, a read that must wait is refused at once. */
  waiters: number;
}

const DEFAULT_LIMITS: PositionGateLimits = { orgs: 100_000, waiters: 10_000 };

/**
 * The read side of read-your-writes for one follower: the position it has applied, the positions writers announced
 * that it has not applied yet (newest per org), and the reads waiting for a position.
 *
 * The hot path is `pendingFor(org)`: one map lookup, and no position is parsed unless something is pending. Pending
 * entries go as soon as the follower applies the org's event at or past them, so the map holds only what is in
 * flight. Memory is bounded: past `limits.orgs`, a new org's announcement raises a floor that every org waits for
 * instead, which costs waiting time and loses no announcement; past `limits.waiters`, a read is refused at once.
 */
export class PositionGate {
  private appliedPosition: string | null = null;
  private readonly announced = new Map<string, string>();
  /** What every org waits for once the map was full: the newest announcement that found no room. */
  private floor: string | undefined;
  /** Ascending by position, so one comparison per applied event tells whether anyone may go. */
  private readonly waiters: Waiter[] = [];

  constructor(
    private readonly order: PositionOrder,
    private readonly limits: PositionGateLimits = DEFAULT_LIMITS,
  ) {}

  /** The position of the last event the follower applied (or the checkpoint of the snapshot it loaded). */
  get applied(): string | null {
    return this.appliedPosition;
  }

  /** How many reads are waiting now. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Whether `text` is a position of this log, by the adapter's own parser. */
  isPosition(text: string): boolean {
    try {
      this.order(text, text);
      return true;
    } catch {
      return false;
    }
  }

  /** Whether the follower has applied `position` (a position of this log). */
  hasApplied(position: string): boolean {
    return this.appliedPosition !== null && this.order(this.appliedPosition, position) >= 0;
  }

  /** The newest position announced for the org that the follower has not applied yet, if any. */
  pendingFor(org: string): string | undefined {
    return this.announced.get(org) ?? this.floor;
  }

  /** The later of two positions of this log. */
  later(a: string, b: string): string {
    return this.order(a, b) >= 0 ? a : b;
  }

  /** A writer says the org's latest change is at `position`. Ignored when it is not a position of this log. */
  announce(org: string, position: string): void {
    if (!this.isPosition(position) || this.hasApplied(position)) return;
    const current = this.announced.get(org);
    if (current !== undefined) {
      if (this.order(position, current) > 0) this.announced.set(org, position);
      return;
    }
    if (this.announced.size >= this.limits.orgs) this.sweep();
    if (this.announced.size < this.limits.orgs) this.announced.set(org, position);
    else this.floor = this.floor === undefined ? position : this.later(this.floor, position);
  }

  /** Forgets the org's pending position once a read found it applied: the next read of the org pays a lookup only. */
  settle(org: string, position: string): void {
    if (this.announced.get(org) === position) this.announced.delete(org);
    if (this.floor === position) this.floor = undefined;
  }

  /**
   * The follower applied the org's event at `position`, or (no org) loaded a snapshot at that checkpoint.
   * Called for every event, so it compares only when an announcement of that org or a read is waiting.
   */
  advance(org: string | undefined, position: string | null): void {
    this.appliedPosition = position;
    if (position === null) return;
    if (org === undefined) this.sweep();
    else if (this.announced.size > 0) {
      const wanted = this.announced.get(org);
      if (wanted !== undefined && this.order(position, wanted) >= 0) this.announced.delete(org);
    }
    if (this.floor !== undefined && this.order(position, this.floor) >= 0) this.floor = undefined;
    while (this.waiters.length > 0 && this.order(position, (this.waiters[0] as Waiter).position) >= 0) {
      (this.waiters.shift() as Waiter).settle(true);
    }
  }

  /**
   * Resolves true once the follower has applied `position` (a position of this log), false when `timeoutMs` passes
   * first, or at once when too many reads are waiting already.
   */
  waitFor(position: string, timeoutMs: number): Promise<boolean> {
    if (this.hasApplied(position)) return Promise.resolve(true);
    if (this.waiters.length >= this.limits.waiters) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        position,
        settle: (reached) => {
          clearTimeout(timer);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(false);
      }, timeoutMs);
      this.waiters.splice(this.insertionPoint(position), 0, waiter);
    });
  }

  /** Where a waiter for `position` goes so the list stays ascending (after equal ones). */
  private insertionPoint(position: string): number {
    let low = 0;
    let high = this.waiters.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.order((this.waiters[middle] as Waiter).position, position) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Drops every announcement the follower has applied (one that named no event of its org never clears itself). */
  private sweep(): void {
    for (const [org, position] of this.announced) if (this.hasApplied(position)) this.announced.delete(org);
  }
}
