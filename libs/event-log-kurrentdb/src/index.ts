import {
  type AppendResult,
  DEFAULT_LAG_LIMIT,
  type EventLog,
  EventLogUnavailableError,
  type EventSubscription,
  type ExpectedRevision,
  type LagOptions,
  type LogLag,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '@gwpool/event-log';
import {
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  type JSONType,
  KurrentDBClient,
  START,
  streamNameFilter,
} from '@kurrent/kurrentdb-client';
import { KurrentSubscription } from './kurrent-subscription.js';
import {
  comparePositions,
  decodePosition,
  encodePosition,
  isStreamNotFound,
  isSystemEvent,
  normaliseUrl,
  toRecordedEvent,
  toStreamState,
  translateAppendError,
  translateError,
} from './mapping.js';

export { decodePosition, encodePosition, InvalidPositionError } from './mapping.js';

export interface KurrentEventLogOptions {
  /** kurrentdb://, kurrent://, esdb:// or their +discover forms, with the client's query options (tls=false, …). */
  url: string;
  /** Longest wait for the server to answer at open. */
  openTimeoutMs?: number;
}

/** Read at open to prove the server answers; it never exists, so the answer is a cheap "stream not found". */
const PROBE_STREAM = 'gwpool-connectivity-probe';

const toEventData = ({ id, type, data, metadata }: NewEvent) =>
  jsonEvent({ id, type, data: data as JSONType, metadata });

/** The event log in KurrentDB (or EventStoreDB 22.10+): one KurrentDB stream per stream, $all as the global order. */
export class KurrentEventLog implements EventLog {
  private readonly subscriptions = new Set<KurrentSubscription>();
  private closed = false;

  private constructor(private readonly client: KurrentDBClient) {}

  static async open({ url, openTimeoutMs = 10_000 }: KurrentEventLogOptions): Promise<KurrentEventLog> {
    const client = KurrentDBClient.connectionString(normaliseUrl(url));
    try {
      await withTimeout(probe(client), openTimeoutMs);
    } catch (error) {
      await client.dispose().catch(() => undefined);
      throw translateError(error);
    }
    return new KurrentEventLog(client);
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('an append needs at least one event');
    const streamState = toStreamState(expected);
    this.assertOpen();
    try {
      const result = await this.client.appendToStream(streamId, events.map(toEventData), { streamState });
      if (!result.position) throw new Error(`KurrentDB reported no position for the append to '${streamId}'`);
      return { nextRevision: Number(result.nextExpectedRevision), position: encodePosition(result.position) };
    } catch (error) {
      throw translateAppendError(error, streamId, expected);
    }
  }

  async readStream(streamId: string, { fromRevision = 0 }: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) {
      throw new RangeError(`fromRevision ${fromRevision} is not a revision >= 0`);
    }
    this.assertOpen();
    const recorded: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, { fromRevision: BigInt(fromRevision), direction: FORWARDS });
      for await (const { event } of read) {
        if (event) recorded.push(toRecordedEvent(event));
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw translateError(error);
    }
    return recorded;
  }

  comparePositions(a: string, b: string): number {
    return comparePositions(decodePosition(a), decodePosition(b));
  }

  subscribeToAll({ after, streamPrefix }: SubscribeOptions = {}): EventSubscription {
    const from = after ? decodePosition(after) : undefined;
    this.assertOpen();
    const source = this.client.subscribeToAll({
      fromPosition: from ?? START,
      // Filtering on the server spares sending events nobody wants; $-streams with ordinary types are dropped later.
      filter: streamPrefix ? streamNameFilter({ prefixes: [streamPrefix] }) : excludeSystemEvents(),
    });
    const subscription = new KurrentSubscription(source, from, (closed) => this.subscriptions.delete(closed));
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** $all has no event count: reads forwards from `after`, at most `limit` + 1 events, with the subscription's filter. */
  async measureLag(
    after: string | null | undefined,
    { streamPrefix, limit = DEFAULT_LAG_LIMIT }: LagOptions = {},
  ): Promise<LogLag> {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`lag limit ${limit} is not a whole number >= 1`);
    const from = after ? decodePosition(after) : undefined;
    this.assertOpen();
    let events = 0;
    let oldest: Date | null = null;
    try {
      const read = this.client.readAll({
        fromPosition: from ?? START,
        direction: FORWARDS,
        // The read may start at `after` itself, which is not counted.
        maxCount: limit + 2,
        filter: streamPrefix ? streamNameFilter({ prefixes: [streamPrefix] }) : excludeSystemEvents(),
      });
      for await (const { event } of read) {
        if (!event || isSystemEvent(event)) continue;
        if (from && event.position && comparePositions(event.position, from) <= 0) continue;
        events += 1;
        if (oldest === null || event.created < oldest) oldest = event.created;
        if (events > limit) break;
      }
    } catch (error) {
      throw translateError(error);
    }
    return { events: Math.min(events, limit), capped: events > limit, oldestRecordedAt: oldest };
  }

  async readAll({ after, streamIds, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const from = after ? decodePosition(after) : undefined;
    if (streamIds.length === 0 || limit <= 0) return [];
    this.assertOpen();
    // Stream ids are tokens with a fixed prefix: nothing in them is special to a regular expression but `-`.
    const names = streamIds.map((id) => id.replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`));
    const wanted = new Set(streamIds);
    const page: RecordedEvent[] = [];
    try {
      const read = this.client.readAll({
        fromPosition: from ?? START,
        direction: FORWARDS,
        // One more: the read may start at `after` itself, which is skipped.
        maxCount: limit + 1,
        filter: streamNameFilter({ regex: `^(?:${names.join('|')})$` }),
      });
      for await (const { event } of read) {
        if (!event || !wanted.has(event.streamId)) continue;
        if (from && event.position && comparePositions(event.position, from) <= 0) continue;
        page.push(toRecordedEvent(event));
        if (page.length >= limit) break;
      }
    } catch (error) {
      throw translateError(error);
    }
    return page;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventLogUnavailableError('the KurrentDB event log is closed');
  }
}

async function probe(client: KurrentDBClient): Promise<void> {
  try {
    for await (const _ of client.readStream(PROBE_STREAM, { maxCount: 1 })) break;
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
}

/** Stream reads take no deadline, and a silently dropped connection would otherwise hang open() for minutes. */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EventLogUnavailableError(`KurrentDB did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
