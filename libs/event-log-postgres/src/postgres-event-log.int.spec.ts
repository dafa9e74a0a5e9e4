import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { EventLogUnavailableError, type NewEvent, type RecordedEvent } from '@gwpool/event-log';
import { createDatabase, requireEnv } from '@gwpool/testing';
import pg from 'pg';
import { describeEventLogContract } from '@gwpool/event-log/testing';
import { InvalidPositionError, PostgresEventLog } from './index.js';

jest.setTimeout(60_000);

const event = (type: string): NewEvent => ({
  id: randomUUID(),
  type,
  data: { type },
  metadata: { correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() },
});

let url: string;
beforeAll(async () => {
  url = await createDatabase(requireEnv('TEST_POSTGRES_URL'), 'gwpool_log_test');
});

describeEventLogContract('PostgreSQL', () => PostgresEventLog.open({ url }));

describe('PostgreSQL event log ordering', () => {
  let log: PostgresEventLog;
  let raw: pg.Client;

  beforeAll(async () => {
    log = await PostgresEventLog.open({ url, schema: 'ordering' });
    raw = new pg.Client({ connectionString: url });
    await raw.connect();
  });

  afterAll(async () => {
    await raw?.end();
    await log?.close();
  });

  it('holds back a later commit until an earlier transaction ends, then delivers both without skipping', async () => {
    const early = event('EarlyStarted');
    // The open transaction takes its id (and so its place in the global order) before the second append commits.
    await raw.query('BEGIN');
    await raw.query('SELECT * FROM "ordering".append_events($1, $2, $3::jsonb)', [
      'order-early',
      'no_stream',
      JSON.stringify([early]),
    ]);
    const late = event('LateCommitted');
    await log.append('order-late', [late], 'no_stream');

    const seen: RecordedEvent[] = [];
    const subscription = log.subscribeToAll({ streamPrefix: 'order-' });
    const following = (async () => {
      for await (const recorded of subscription) seen.push(recorded);
    })();
    await new Promise((resolve) => setTimeout(resolve, 800));
    const beforeCommit = seen.map((r) => r.id);
    await raw.query('COMMIT');
    const deadline = Date.now() + 10_000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await subscription.close();
    await following;

    expect(beforeCommit).toEqual([]);
    expect(seen.map((r) => r.id)).toEqual([early.id, late.id]);
  });

  it('counts a commit that an older open transaction still holds back from subscribers as lag', async () => {
    await raw.query('BEGIN');
    await raw.query('SELECT * FROM "ordering".append_events($1, $2, $3::jsonb)', [
      'lagheld-early',
      'no_stream',
      JSON.stringify([event('EarlyOpen')]),
    ]);
    await log.append('lagheld-late', [event('LateCommitted')], 'no_stream');

    const held = await log.measureLag(null, { streamPrefix: 'lagheld-' });
    await raw.query('COMMIT');
    const committed = await log.measureLag(null, { streamPrefix: 'lagheld-' });

    expect(held.events).toBe(1);
    expect(committed.events).toBe(2);
  });

  it('looks again soon when an announced append is held back by a transaction that announces nothing', async () => {
    // A minute between polls: only the retry after a held-back announcement can deliver within the test's time.
    const slowPolling = await PostgresEventLog.open({ url, schema: 'ordering', pollIntervalMs: 60_000 });
    const seen: RecordedEvent[] = [];
    const subscription = slowPolling.subscribeToAll({ streamPrefix: 'heldback-' });
    const following = (async () => {
      for await (const recorded of subscription) seen.push(recorded);
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));

    // An unrelated writer (say, the read model's liveness upsert) takes an older transaction id and commits silently.
    await raw.query('BEGIN');
    await raw.query('SELECT pg_current_xact_id()');
    const appended = event('HeldBack');
    await slowPolling.append('heldback-1', [appended], 'no_stream');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await raw.query('COMMIT');
    const deadline = Date.now() + 10_000;
    while (seen.length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await subscription.close();
    await following;
    await slowPolling.close();

    expect(seen.map((r) => r.id)).toEqual([appended.id]);
  });

  it('neither wakes nor re-reads a subscriber for appends to streams it does not follow, yet wakes it for its own', async () => {
    // A minute between polls: whatever the subscriber reads in this test, a notification made it read.
    const quiet = await PostgresEventLog.open({ url, schema: 'ordering', pollIntervalMs: 60_000 });
    const reads = jest.spyOn(quiet, 'readAfter');
    const seen: RecordedEvent[] = [];
    const subscription = quiet.subscribeToAll({ streamPrefix: 'followed-' });
    const following = (async () => {
      for await (const recorded of subscription) seen.push(recorded);
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const readsWhenIdle = reads.mock.calls.length;

    // Another process appending to other streams (as the projector records health history) while it waits.
    for (let i = 0; i < 20; i += 1) await log.append(`unfollowed-${i}`, [event('Elsewhere')], 'no_stream');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const readsAfterOthers = reads.mock.calls.length;
    const own = event('Followed');
    const sent = Date.now();
    await log.append('followed-1', [own], 'no_stream');
    while (seen.length < 1 && Date.now() - sent < 10_000) await new Promise((resolve) => setTimeout(resolve, 10));
    const deliveredMs = Date.now() - sent;
    await subscription.close();
    await following;
    await quiet.close();

    expect(readsAfterOthers).toBe(readsWhenIdle);
    expect(seen.map((r) => r.id)).toEqual([own.id]);
    expect(deliveredMs).toBeLessThan(10_000);
  });

  it('moves past a transaction that rolled back', async () => {
    await raw.query('BEGIN');
    await raw.query('SELECT * FROM "ordering".append_events($1, $2, $3::jsonb)', [
      'rollback-ghost',
      'no_stream',
      JSON.stringify([event('Ghost')]),
    ]);
    const kept = event('Kept');
    await log.append('rollback-kept', [kept], 'no_stream');
    await raw.query('ROLLBACK');

    const seen: RecordedEvent[] = [];
    const subscription = log.subscribeToAll({ streamPrefix: 'rollback-' });
    for await (const recorded of subscription) {
      seen.push(recorded);
      break;
    }

    expect(seen.map((r) => r.id)).toEqual([kept.id]);
  });
});

describe('PostgreSQL event log setup and failures', () => {
  it('lets several processes create the same log at once', async () => {
    const logs = await Promise.all(
      Array.from({ length: 4 }, () => PostgresEventLog.open({ url, schema: 'racing_ddl' })),
    );
    await logs[0]?.append('ddl-race', [event('Created')], 'no_stream');

    await expect(logs[3]?.readStream('ddl-race')).resolves.toHaveLength(1);
    await Promise.all(logs.map((l) => l.close()));
  });

  it('refuses a position it did not write', () => {
    const log = PostgresEventLog.open({ url, schema: 'positions' });

    return log.then(async (opened) => {
      expect(() => opened.subscribeToAll({ after: '12/34' })).toThrow(InvalidPositionError);
      await opened.close();
    });
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(PostgresEventLog.open({ url, schema: 'bad; drop' })).rejects.toThrow(RangeError);
  });

  it('reports a server that cannot be reached as EventLogUnavailableError', async () => {
    const unreachable = 'postgres://postgres@127.0.0.1:1/gwpool';

    await expect(PostgresEventLog.open({ url: unreachable })).rejects.toBeInstanceOf(EventLogUnavailableError);
  });

  it('keeps appending and delivering after the server cut all its connections', async () => {
    const log = await PostgresEventLog.open({ url, schema: 'outage' });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const seen: RecordedEvent[] = [];
    const subscription = log.subscribeToAll({ streamPrefix: 'outage-' });
    const following = (async () => {
      try {
        for await (const recorded of subscription) seen.push(recorded);
      } catch (error) {
        // A subscriber caught mid-read gets the outage; the services then resubscribe from their position.
        expect(error).toBeInstanceOf(EventLogUnavailableError);
      }
    })();
    await log.append('outage-1', [event('Before')], 'no_stream');
    while (seen.length < 1) await new Promise((resolve) => setTimeout(resolve, 20));

    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [new URL(url).pathname.slice(1)],
    );
    await admin.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = event('After');
    await log.append('outage-1', [after], 0);
    const resumed = log.subscribeToAll({ streamPrefix: 'outage-', after: seen[0]?.position });
    const next: RecordedEvent[] = [];
    for await (const recorded of resumed) {
      next.push(recorded);
      break;
    }
    await subscription.close();
    await following;
    await log.close();

    expect(next.map((r) => r.id)).toEqual([after.id]);
  });
});
