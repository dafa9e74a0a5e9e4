import type {
  AppendResult,
  EventLog,
  EventSubscription,
  ExpectedRevision,
  LagOptions,
  LogLag,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
} from './index.js';

/** Why an event may not be stored, or undefined when it may. */
export type EventValidator = (
  event: { type: unknown; data: unknown; metadata: unknown },
  streamId: string,
) => string | undefined;

/** An append refused because one of its events breaks its schema: a bug upstream, never the caller's input. */
export class InvalidEventError extends Error {
  constructor(
    readonly streamId: string,
    readonly index: number,
    readonly reason: string,
  ) {
    super(`refused to append to '${streamId}': event ${index} is invalid: ${reason}`);
    this.name = 'InvalidEventError';
  }
}

/**
 * The event-log port with a schema check in front of append: every event of a batch is checked before anything is
 * written, so no invalid event is ever stored, whatever the decider or a bypass produced.
 */
export class SchemaCheckedEventLog implements EventLog {
  constructor(
    private readonly inner: EventLog,
    private readonly validate: EventValidator,
  ) {}

  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    for (const [index, event] of events.entries()) {
      const reason = this.validate(event, streamId);
      if (reason !== undefined) return Promise.reject(new InvalidEventError(streamId, index, reason));
    }
    return this.inner.append(streamId, events, expected);
  }

  readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  subscribeToAll(options?: SubscribeOptions): EventSubscription {
    return this.inner.subscribeToAll(options);
  }

  measureLag(after: string | null | undefined, options?: LagOptions): Promise<LogLag> {
    return this.inner.measureLag(after, options);
  }

  comparePositions(a: string, b: string): number {
    return this.inner.comparePositions(a, b);
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
