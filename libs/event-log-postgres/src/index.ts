// Over 200 lines: the port's operations and the subscription share one LISTEN connection and its wake-ups, which
// read best in one place; the SQL is in schema.ts.
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
} from '@gwpool/event-log';
import pg from 'pg';
import { EVENT_COLUMNS, type EventRow, schemaDdl, WRONG_REVISION_SQLSTATE } from './schema.js';
import { translate } from './unavailable.js';

export interface PostgresEventLogOptions {
  url: string;
  /** Schema holding the log's tables; several logs can share a database under different schemas. */
  schema?: string;
  /** Rows fetched per catch-up read. */
  batchSize?: number;
  /** Longest wait before a subscriber looks again when no notification came (an aborted or slow transaction). */
  pollIntervalMs?: number;
}

const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
const POSITION_PATTERN = /^(\d{1,20}):(\d{1,19})$/;
// The column types' ranges (xid8, bigint): a forged position beyond them is refused, never sent to a query to fail.
const MAX_TX = 2n ** 64n - 1n;
const MAX_SEQ = 2n ** 63n - 1n;

interface Position {
  tx: string;
  seq: string;
}

export { InvalidPositionError };

export function parsePosition(position: string): Position {
  const match = POSITION_PATTERN.exec(position);
  if (!match || BigInt(match[1] as string) > MAX_TX || BigInt(match[2] as string) > MAX_SEQ) {
    throw new InvalidPositionError(`'${position}' is not a PostgreSQL event-log position (tx:seq)`);
  }
  return { tx: match[1] as string, seq: match[2] as string };
}

/** The global order: by writing transaction, then by sequence within it. */
export function comparePositions(a: string, b: string): number {
  const x = parsePosition(a);
  const y = parsePosition(b);
  const byTx = compareDigits(x.tx, y.tx);
  return byTx !== 0 ? byTx : compareDigits(x.seq, y.seq);
}

/** Both are unsigned decimal numbers, possibly beyond 2^53. */
const compareDigits = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x < y ? -1 : 1;
};

const positionOf = (row: { tx_id: string; seq: string }): string => `${row.tx_id}:${row.seq}`;

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: positionOf(row),
    type: row.type,
    data: row.data,
    metadata: row.metadata as RecordedEvent['metadata'],
    recordedAt: row.recorded_at,
  };
}

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The event log in PostgreSQL: one row per event, optimistic concurrency on a per-stream revision,
 * and a global order by (writing transaction id, sequence) that subscribers read only below the oldest running transaction.
 */
export class PostgresEventLog implements EventLog {
  private listener?: Promise<pg.Client>;
  /** Subscribers waiting for an append, each with the stream prefix it follows (undefined: every stream). */
  private readonly waiters = new Map<() => void, string | undefined>();
  private closed = false;
  /** Appends announced so far, to any stream. */
  private notifications = 0;
  /** Appends announced so far by the prefixes subscribers follow; an append to another stream counts for none. */
  private readonly announcedByPrefix = new Map<string, number>();
  /** Wake-ups and LISTENs taking effect: with the appends announced, what a wait must not start after missing. */
  private happenings = 0;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly s: string,
    private readonly channel: string,
    private readonly batchSize: number,
    private readonly pollIntervalMs: number,
  ) {}

  static async open({
    url,
    schema = 'gwpool_log',
    batchSize = 2_000,
    pollIntervalMs = 250,
  }: PostgresEventLogOptions): Promise<PostgresEventLog> {
    if (!SCHEMA_PATTERN.test(schema)) throw new RangeError(`event-log schema '${schema}' must match ${SCHEMA_PATTERN}`);
    const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 10_000, max: 10 });
    // An idle client losing its connection must not crash the process; the next query reports the outage.
    pool.on('error', () => undefined);
    const channel = `gwpool_events_${schema}`;
    const log = new PostgresEventLog(pool, url, `"${schema}"`, channel, batchSize, pollIntervalMs);
    try {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // Serializes DDL between processes opening the same log at once.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`gwpool.event-log.${schema}`]);
        await client.query(schemaDdl(log.s, channel));
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end();
      throw translate(error);
    }
    return log;
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('an append needs at least one event');
    if (typeof expected === 'number' && !(Number.isSafeInteger(expected) && expected >= 0)) {
      throw new RangeError(`expected revision ${expected} is not 'no_stream', 'any' or a revision >= 0`);
    }
    const payload = events.map(({ id, type, data, metadata }) => ({ id, type, data, metadata }));
    try {
      const { rows } = await this.pool.query<{ next_revision: string; tx_id: string; seq: string }>(
        `SELECT next_revision, tx_id, seq FROM ${this.s}.append_events($1, $2, $3::jsonb)`,
        [streamId, String(expected), JSON.stringify(payload)],
      );
      const last = rows.reduce((a, b) => (BigInt(b.seq) > BigInt(a.seq) ? b : a));
      const nextRevision = Math.max(...rows.map((r) => Number(r.next_revision)));
      return { nextRevision, position: positionOf(last) };
    } catch (error) {
      const { code, detail } = error as { code?: string; detail?: string };
      if (code === WRONG_REVISION_SQLSTATE) {
        const actual = detail === undefined || detail === 'no_stream' ? 'no_stream' : Number(detail);
        throw new WrongExpectedRevisionError(streamId, expected, actual);
      }
      throw translate(error);
    }
  }

  async readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    try {
      const { rows } = await this.pool.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM ${this.s}.events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision`,
        [streamId, options.fromRevision ?? 0],
      );
      return rows.map(toRecorded);
    } catch (error) {
      throw translate(error);
    }
  }

  comparePositions(a: string, b: string): number {
    return comparePositions(a, b);
  }

  subscribeToAll(options: SubscribeOptions = {}): EventSubscription {
    const start = options.after ? parsePosition(options.after) : undefined;
    return new PostgresSubscription(this, start, options.streamPrefix);
  }

  /**
   * Every committed row after `after`, including those a subscription still holds back behind an older open
   * transaction: the follower is behind them too. One bounded index range read.
   */
  async measureLag(
    after: string | null | undefined,
    { streamPrefix, limit = DEFAULT_LAG_LIMIT }: LagOptions = {},
  ): Promise<LogLag> {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`lag limit ${limit} is not a whole number >= 1`);
    const start = after ? parsePosition(after) : undefined;
    const params: unknown[] = [start?.tx ?? '0', start?.seq ?? '0', limit + 1];
    let prefixClause = '';
    if (streamPrefix) {
      params.push(`${escapeLike(streamPrefix)}%`);
      prefixClause = 'AND stream_id LIKE $4';
    }
    try {
      const { rows } = await this.pool.query<{ events: number; oldest: Date | null }>(
        `SELECT count(*)::int AS events, min(recorded_at) AS oldest FROM (
           SELECT recorded_at FROM ${this.s}.events
           WHERE (tx_id, seq) > ($1::xid8, $2::bigint) ${prefixClause}
           ORDER BY tx_id, seq
           LIMIT $3) AS pending`,
        params,
      );
      const events = rows[0]?.events ?? 0;
      return { events: Math.min(events, limit), capped: events > limit, oldestRecordedAt: rows[0]?.oldest ?? null };
    } catch (error) {
      throw translate(error);
    }
  }

  /**
   * The next events after `after`, only from transactions older than every transaction still running:
   * a transaction that commits later always has a larger id, so nothing read past can appear behind us.
   */
  async readAfter(after: Position | undefined, streamPrefix: string | undefined): Promise<EventRow[]> {
    const params: unknown[] = [after?.tx ?? '0', after?.seq ?? '0', this.batchSize];
    let prefixClause = '';
    if (streamPrefix) {
      params.push(`${escapeLike(streamPrefix)}%`);
      prefixClause = `AND stream_id LIKE $4`;
    }
    try {
      const { rows } = await this.pool.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM ${this.s}.events
         WHERE (tx_id, seq) > ($1::xid8, $2::bigint)
           AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
           ${prefixClause}
         ORDER BY tx_id, seq
         LIMIT $3`,
        params,
      );
      return rows;
    } catch (error) {
      throw translate(error);
    }
  }

  async readAll({ after, streamIds, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const from = after ? parsePosition(after) : { tx: '0', seq: '0' };
    if (streamIds.length === 0 || limit <= 0) return [];
    // One index range scan per stream (stream_id, tx_id, seq), merged: cost follows the page, not the log's size.
    const params: unknown[] = [from.tx, from.seq, limit];
    const parts = streamIds.map((streamId) => {
      params.push(streamId);
      return `(SELECT ${EVENT_COLUMNS} FROM ${this.s}.events
        WHERE stream_id = $${params.length} AND (tx_id, seq) > ($1::xid8, $2::bigint)
          AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY tx_id, seq LIMIT $3)`;
    });
    try {
      const { rows } = await this.pool.query<EventRow>(
        `SELECT * FROM (${parts.join(' UNION ALL ')}) page ORDER BY tx_id, seq LIMIT $3`,
        params,
      );
      return rows.map(toRecorded);
    } catch (error) {
      throw translate(error);
    }
  }

  /**
   * Appends announced so far to streams with this prefix. A subscriber that read nothing new since the last one knows
   * a commit of its own streams is held back; appends to other streams (the projector's health history, say) neither
   * wake it nor make it look again.
   */
  announced(streamPrefix: string | undefined): number {
    if (!streamPrefix) return this.notifications;
    let count = this.announcedByPrefix.get(streamPrefix);
    if (count === undefined) this.announcedByPrefix.set(streamPrefix, (count = 0));
    return count;
  }

  /** Take it before reading; pass it to waitForAppend so that nothing that happens after the read is slept through. */
  mark(streamPrefix?: string): number {
    return this.happenings + this.announced(streamPrefix);
  }

  /**
   * Resolves on the next append announced to a stream with `streamPrefix` (any stream without one) or after
   * `maxWaitMs` (the poll interval), whichever comes first; at once when something happened since `since` (a mark
   * of the same prefix): such an append announced, a wake-up, or LISTEN taking effect (appends before it went
   * unheard). Without that, a subscription closed or an append made while LISTEN was being set up was missed
   * for a whole poll interval.
   */
  async waitForAppend(maxWaitMs = this.pollIntervalMs, since?: number, streamPrefix?: string): Promise<void> {
    const from = since ?? this.mark(streamPrefix);
    if (this.closed) return;
    await this.ensureListening().catch(() => undefined);
    if (this.closed || this.mark(streamPrefix) !== from) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.min(maxWaitMs, this.pollIntervalMs));
      this.waiters.set(wake, streamPrefix || undefined);
    });
  }

  private ensureListening(): Promise<pg.Client> {
    this.listener ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 });
      const forget = () => {
        // A lost listener only slows subscribers to the poll interval until the next wait reconnects it.
        if (this.listener === listening) this.listener = undefined;
        client.end().catch(() => undefined);
      };
      client.on('error', forget);
      client.on('end', forget);
      client.on('notification', ({ payload }) => {
        // An older append_events announces no stream: then every subscriber looks, as before.
        const stream = payload ?? '';
        const concerns = (prefix: string | undefined) => !prefix || stream === '' || stream.startsWith(prefix);
        this.notifications += 1;
        for (const [prefix, count] of this.announcedByPrefix) {
          if (concerns(prefix)) this.announcedByPrefix.set(prefix, count + 1);
        }
        for (const [wake, prefix] of [...this.waiters]) if (concerns(prefix)) wake();
      });
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      this.happenings += 1;
      return client;
    })();
    const listening = this.listener;
    listening.catch(() => {
      if (this.listener === listening) this.listener = undefined;
    });
    return listening;
  }

  /** Lets waiting subscribers look again at once (a closing subscription must not sit out the poll interval). */
  wake(): void {
    this.happenings += 1;
    for (const wake of [...this.waiters.keys()]) wake();
  }

  get pollInterval(): number {
    return this.pollIntervalMs;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of [...this.waiters.keys()]) wake();
    const listener = this.listener;
    this.listener = undefined;
    await listener?.then((client) => client.end()).catch(() => undefined);
    await this.pool.end();
  }
}

const HELD_BACK_FIRST_RETRY_MS = 5;

class PostgresSubscription implements EventSubscription {
  private closed = false;
  private iterating = false;

  constructor(
    private readonly log: PostgresEventLog,
    private position: Position | undefined,
    private readonly streamPrefix: string | undefined,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.iterating) throw new Error('a subscription can be iterated only once');
    this.iterating = true;
    const prefix = this.streamPrefix;
    let answered = this.log.announced(prefix);
    let retryMs = HELD_BACK_FIRST_RETRY_MS;
    while (!this.closed && !this.log.isClosed) {
      const announced = this.log.announced(prefix);
      const mark = this.log.mark(prefix);
      const rows = await this.log.readAfter(this.position, this.streamPrefix);
      for (const row of rows) {
        if (this.closed) return;
        this.position = { tx: row.tx_id, seq: row.seq };
        yield toRecorded(row);
      }
      if (rows.length > 0) {
        answered = announced;
        retryMs = HELD_BACK_FIRST_RETRY_MS;
      } else if (announced > answered) {
        // An append was announced but is not readable yet: an older transaction still holds the line.
        // Look again soon rather than after the whole poll interval.
        await this.log.waitForAppend(retryMs, mark, prefix);
        retryMs *= 2;
        if (retryMs > this.log.pollInterval) {
          answered = announced;
          retryMs = HELD_BACK_FIRST_RETRY_MS;
        }
      } else {
        await this.log.waitForAppend(undefined, mark, prefix);
      }
    }
  }

  close(): Promise<void> {
    this.closed = true;
    this.log.wake();
    return Promise.resolve();
  }
}
