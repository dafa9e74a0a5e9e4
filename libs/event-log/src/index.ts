/** The event-log port: what the services need from an event store, whatever the adapter. */

export interface EventMetadata {
  actor?: string;
  correlationId: string;
  causationId: string;
  /** ISO-8601, when the command was accepted. */
  occurredAt: string;
  /** W3C trace context of the request, when it carried a valid one. */
  traceparent?: string;
  [key: string]: unknown;
}

export interface NewEvent {
  /** UUID; adapters store it as the event id so appends can be traced and deduplicated downstream. */
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

export interface RecordedEvent {
  id: string;
  streamId: string;
  /** 0-based position of the event within its stream. */
  revision: number;
  /** Opaque, adapter-specific global position; resume a subscription after it. */
  position: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recordedAt: Date;
}

/**
 * `no_stream`: the stream must not exist; a number: the revision of the stream's last event;
 * `any`: no check (never used for decisions).
 */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface AppendResult {
  /** Revision of the last event appended. */
  nextRevision: number;
  position: string;
}

export interface SubscribeOptions {
  /** Resume strictly after this position; from the beginning when absent. */
  after?: string | null;
  /** Only events of streams whose id starts with this prefix. */
  streamPrefix?: string;
}

export interface LagOptions {
  /** Only events of streams whose id starts with this prefix, as in SubscribeOptions. */
  streamPrefix?: string;
  /** Count at most this many events (default DEFAULT_LAG_LIMIT): a reader far behind costs one bounded read. */
  limit?: number;
}

/** How far a reader that has read up to a position is behind the head of the log. */
export interface LogLag {
  /** Committed events after the position, counted up to the limit. */
  events: number;
  /** True when there are more than the limit: `events` is then the limit. */
  capped: boolean;
  /** When the oldest of those events was recorded (the store's clock); null when there are none. */
  oldestRecordedAt: Date | null;
}

export const DEFAULT_LAG_LIMIT = 10_000;

export interface ReadAllOptions {
  /** Strictly after this position; from the beginning when absent. */
  after?: string | null;
  /** Only the events of these streams (exact ids). */
  streamIds: readonly string[];
  /** At most this many events. */
  limit: number;
}

/**
 * A catch-up subscription to every event of the log in global order, then live.
 * Iteration ends after close(). Events are never skipped, even when transactions commit out of order.
 */
export interface EventSubscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventLog {
  /** Appends atomically; throws WrongExpectedRevisionError when the stream moved. Appending no events is an error. */
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream in revision order, from `fromRevision` (inclusive); empty when the stream does not exist. */
  readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): EventSubscription;
  /**
   * The committed events after `after` (from the beginning when null), whether or not a subscription could read them
   * yet: what a follower at that position has still to apply. For lag metrics and readiness.
   */
  measureLag(after: string | null | undefined, options?: LagOptions): Promise<LogLag>;
  /**
   * The order of two positions of this log: negative when `a` comes first, 0 when equal, positive when after.
   * Positions stay opaque; only the adapter knows how to read them. Throws on a position that is not this log's.
   */
  comparePositions(a: string, b: string): number;
  /**
   * One page of the global log in order, after `after`, of the given streams only; for audits, off the hot path.
   * Like a subscription it reads only what no later commit can land before, so paging never skips an event.
   * An `after` that is not a position of this log throws InvalidPositionError.
   */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream' | 'unknown',
  ) {
    super(`stream '${streamId}' is at ${String(actual)}, expected ${String(expected)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** A position that this log could not have produced. */
export class InvalidPositionError extends RangeError {
  override name = 'InvalidPositionError';
}

/** The backing server cannot be reached or refused the operation for reasons other than the request itself. */
export class EventLogUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventLogUnavailableError';
  }
}
export * from './schema-checked-event-log.js';
