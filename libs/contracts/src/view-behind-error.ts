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
  ) {
    super(
      `the view of this instance is behind: it has applied the log up to position ${appliedPosition ?? '(none)'}, ` +
        `and this query needs position ${wantedPosition}; waited ${waitedMs} ms, retry later`,
    );
    this.name = 'ViewBehindError';
  }

  get details(): { appliedPosition: string | null; wantedPosition: string; waitedMs: number } {
    return { appliedPosition: this.appliedPosition, wantedPosition: this.wantedPosition, waitedMs: this.waitedMs };
  }
}
