import {
  type AppendResult,
  DEFAULT_LAG_LIMIT,
  type EventLog,
  type EventSubscription,
  type ExpectedRevision,
  type LagOptions,
  type LogLag,
  InvalidPositionError,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
  WrongExpectedRevisionError,
} from '../index.js';

/**
 * The event-log port in memory, for unit tests of what uses it; it passes the adapters' contract suite. Data and
 * metadata go through JSON on the way in, as with the real stores, so a test keeps no reference into the log.
 * `reads` records every readStream, so a test can tell what a component read.
 */
export class InMemoryEventLog implements EventLog {
  readonly reads: { streamId: string; fromRevision: number }[] = [];
  private readonly all: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly waiting = new Set<() => void>();

  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return Promise.reject(new Error(`refused to append no events to '${streamId}'`));
    const stream = this.streams.get(streamId) ?? [];
    const actual = stream.length === 0 ? 'no_stream' : stream.length - 1;
    if (expected !== 'any' && expected !== actual) {
      return Promise.reject(new WrongExpectedRevisionError(streamId, expected, actual));
    }
    for (const event of events) {
      const recorded: RecordedEvent = {
        id: event.id,
        streamId,
        revision: stream.length,
        position: String(this.all.length + 1),
        type: event.type,
        data: JSON.parse(JSON.stringify(event.data)) as unknown,
        metadata: JSON.parse(JSON.stringify(event.metadata)) as RecordedEvent['metadata'],
        recordedAt: new Date(),
      };
      stream.push(recorded);
      this.all.push(recorded);
    }
    this.streams.set(streamId, stream);
    for (const wake of this.waiting) wake();
    const last = stream[stream.length - 1] as RecordedEvent;
    return Promise.resolve({ nextRevision: last.revision, position: last.position });
  }

  readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    const fromRevision = options.fromRevision ?? 0;
    this.reads.push({ streamId, fromRevision });
    return Promise.resolve((this.streams.get(streamId) ?? []).slice(fromRevision));
  }

  /** Positions here are the 1-based place of the event in the whole log. */
  comparePositions(a: string, b: string): number {
    const place = (position: string): number => {
      if (!/^[1-9]\d*$/.test(position)) throw new RangeError(`'${position}' is not a position of this log`);
      return Number(position);
    };
    return place(a) - place(b);
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    const { all, waiting } = this;
    const prefix = options.streamPrefix ?? '';
    let next = options.after ? Number(options.after) : 0;
    let closed = false;
    let wake: (() => void) | undefined;
    return {
      async *[Symbol.asyncIterator]() {
        while (!closed) {
          const recorded = all[next];
          if (recorded === undefined) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              waiting.add(resolve);
            });
            if (wake) waiting.delete(wake);
            continue;
          }
          next += 1;
          if (recorded.streamId.startsWith(prefix)) yield recorded;
        }
      },
      close() {
        closed = true;
        wake?.();
        return Promise.resolve();
      },
    };
  }

  /** Nothing is ever held back here: every event after `after` is pending, up to `limit` + 1 of them. */
  measureLag(after: string | null | undefined, { streamPrefix = '', limit = DEFAULT_LAG_LIMIT }: LagOptions = {}) {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      return Promise.reject(new RangeError(`lag limit ${limit} is not a whole number >= 1`));
    }
    const pending: RecordedEvent[] = [];
    for (let i = after ? Number(after) : 0; i < this.all.length && pending.length <= limit; i += 1) {
      const recorded = this.all[i] as RecordedEvent;
      if (recorded.streamId.startsWith(streamPrefix)) pending.push(recorded);
    }
    const oldest = pending[0]?.recordedAt;
    return Promise.resolve<LogLag>({
      events: Math.min(pending.length, limit),
      capped: pending.length > limit,
      oldestRecordedAt: oldest ? new Date(oldest.getTime()) : null,
    });
  }

  readAll({ after, streamIds, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    if (after && !/^\d+$/.test(after))
      return Promise.reject(new InvalidPositionError(`'${after}' is not a position of this log`));
    const wanted = new Set(streamIds);
    const page: RecordedEvent[] = [];
    for (const recorded of this.all.slice(after ? Number(after) : 0)) {
      if (page.length >= limit) break;
      if (wanted.has(recorded.streamId)) page.push(recorded);
    }
    return Promise.resolve(page);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
