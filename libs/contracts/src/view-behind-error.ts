/** How far a view was behind the head of the log when last measured. */
export interface Behind {
  events: number;
  seconds: number;
}

/**
 * A query the answering instance could not serve from a view that includes what it must: its view had not applied
 * the position the query waited for (a `minPosition`, or a command announced just before) within the bound. The edge
 * answers UNAVAILABLE, which a caller retries; never an answer from a view known to be behind.
 */
export class ViewBehindError extends Error {
  readonly code = 'UNAVAILABLE' as const;

  constructor(
    readonly appliedPosition: string | null,
    readonly wantedPosition: string,
    readonly waitedMs: number,
    /** From the follower's lag monitor, when it has measured one: 0 events means the log has not reached the position. */
    readonly behind?: Behind,
  ) {
    const lag = behind
      ? `; when last measured it was ${behind.events} events (${behind.seconds.toFixed(1)} s) behind the head of the log`
      : '';
    super(
      `the view of this instance is behind: it has applied the log up to position ${appliedPosition ?? '(none)'}, ` +
        `and this query needs position ${wantedPosition}${lag}; waited ${waitedMs} ms, retry later`,
    );
    this.name = 'ViewBehindError';
  }

  get details(): Record<string, unknown> {
    return {
      appliedPosition: this.appliedPosition,
      wantedPosition: this.wantedPosition,
      waitedMs: this.waitedMs,
      ...(this.behind ? { eventsBehind: this.behind.events, secondsBehind: this.behind.seconds } : {}),
    };
  }
}
