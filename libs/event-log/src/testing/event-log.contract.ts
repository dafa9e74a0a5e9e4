// Over 200 lines: the one suite every event-log adapter must pass, kept whole so no adapter runs only part of it.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type EventLog,
  type EventSubscription,
  InvalidPositionError,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '../index.js';

const event = (type: string, data: Record<string, unknown> = {}, actor = 'contract'): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { actor, correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() },
});

const events = (count: number, type = 'Counted'): NewEvent[] =>
  Array.from({ length: count }, (_, i) => event(type, { i }));

/** Collects what a subscription delivers until `done` says enough, or fails after `timeoutMs`. */
async function collect(
  subscription: EventSubscription,
  done: (seen: RecordedEvent[]) => boolean,
  timeoutMs = 15_000,
): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  const timer = setTimeout(() => void subscription.close(), timeoutMs);
  try {
    for await (const recorded of subscription) {
      seen.push(recorded);
      if (done(seen)) break;
    }
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
  return seen;
}

/**
 * Reads the streams until `count` of their events can be read. A log may hold a commit back while an earlier
 * transaction anywhere on its server is open (so that paging never skips), which other suites sharing the server cause.
 */
async function readable(log: EventLog, streamIds: string[], count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await log.readAll({ streamIds, limit: count })).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} events readable after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The behaviour every event-log adapter must have, run against a real server.
 * Stream ids carry a random prefix, so the suite can share a server with other data.
 */
export function describeEventLogContract(adapterName: string, open: () => Promise<EventLog>): void {
  describe(`${adapterName} event log`, () => {
    const prefix = `contract${randomBytes(4).toString('hex')}-`;
    let streamCounter = 0;
    const newStream = (): string => `${prefix}s${(streamCounter += 1)}`;
    let log: EventLog;

    beforeAll(async () => {
      log = await open();
    });

    afterAll(async () => {
      await log?.close();
    });

    describe('append and readStream', () => {
      it('creates a stream with no_stream and reads its events back in revision order with their metadata', async () => {
        const stream = newStream();
        const written = [event('First', { a: 1 }, 'alice'), event('Second', { nested: { b: [1, 2] } }), event('Third')];

        const result = await log.append(stream, written, 'no_stream');
        const read = await log.readStream(stream);

        expect(result.nextRevision).toBe(2);
        expect(typeof result.position).toBe('string');
        expect(read.map((r) => [r.revision, r.id, r.type, r.data])).toEqual(
          written.map((w, i) => [i, w.id, w.type, w.data]),
        );
        expect(read[0]?.metadata).toEqual(written[0]?.metadata);
        expect(read.every((r) => r.streamId === stream && r.recordedAt instanceof Date)).toBe(true);
        expect(read[2]?.position).toBe(result.position);
      });

      it('returns an empty list for a stream that does not exist', async () => {
        await expect(log.readStream(newStream())).resolves.toEqual([]);
      });

      it('reads from a given revision', async () => {
        const stream = newStream();
        await log.append(stream, events(5), 'no_stream');

        const read = await log.readStream(stream, { fromRevision: 3 });

        expect(read.map((r) => r.revision)).toEqual([3, 4]);
      });

      it('appends at the expected revision and continues the numbering', async () => {
        const stream = newStream();
        await log.append(stream, events(2), 'no_stream');

        const result = await log.append(stream, events(3), 1);

        expect(result.nextRevision).toBe(4);
        expect((await log.readStream(stream)).map((r) => r.revision)).toEqual([0, 1, 2, 3, 4]);
      });

      it('refuses no_stream on an existing stream, saying where the stream is, and stores nothing', async () => {
        const stream = newStream();
        await log.append(stream, events(2), 'no_stream');

        const attempt = log.append(stream, events(1), 'no_stream');

        await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(attempt).rejects.toMatchObject({ streamId: stream, expected: 'no_stream', actual: 1 });
        expect(await log.readStream(stream)).toHaveLength(2);
      });

      it('refuses a stale expected revision and stores nothing', async () => {
        const stream = newStream();
        await log.append(stream, events(3), 'no_stream');

        const attempt = log.append(stream, events(2), 0);

        await expect(attempt).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', expected: 0, actual: 2 });
        expect(await log.readStream(stream)).toHaveLength(3);
      });

      it('refuses an expected revision on a stream that does not exist', async () => {
        const stream = newStream();

        await expect(log.append(stream, events(1), 0)).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          actual: 'no_stream',
        });
        expect(await log.readStream(stream)).toEqual([]);
      });

      it('appends with any whether or not the stream exists', async () => {
        const stream = newStream();

        const first = await log.append(stream, events(2), 'any');
        const second = await log.append(stream, events(1), 'any');

        expect([first.nextRevision, second.nextRevision]).toEqual([1, 2]);
      });

      it('refuses an empty append', async () => {
        const stream = newStream();

        await expect(log.append(stream, [], 'no_stream')).rejects.toThrow();
        expect(await log.readStream(stream)).toEqual([]);
      });

      it('lets exactly one of many concurrent appends at the same expected revision win', async () => {
        const stream = newStream();
        await log.append(stream, events(1), 'no_stream');

        const results = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) => log.append(stream, [event('Racer', { i })], 0)),
        );

        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost.every((r) => r.reason instanceof WrongExpectedRevisionError)).toBe(true);
        expect((await log.readStream(stream)).map((r) => r.type)).toEqual(['Counted', 'Racer']);
      });

      it('lets exactly one of many concurrent stream creations win', async () => {
        const stream = newStream();

        const results = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) => log.append(stream, [event('Creator', { i })], 'no_stream')),
        );

        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(await log.readStream(stream)).toHaveLength(1);
      });
    });

    describe('measureLag', () => {
      it('counts the events after a position and says when the oldest of them was recorded', async () => {
        const scope = `${prefix}lag-`;
        const empty = await log.measureLag(null, { streamPrefix: scope });
        const before = Date.now();
        await log.append(`${scope}a`, events(3), 'no_stream');
        await log.append(`${scope}b`, events(2), 'no_stream');
        const all = await collect(log.subscribeToAll({ streamPrefix: scope }), (seen) => seen.length >= 5);

        const fromStart = await log.measureLag(null, { streamPrefix: scope });
        const fromSecond = await log.measureLag(all[1]?.position, { streamPrefix: scope });
        const atHead = await log.measureLag(all[4]?.position, { streamPrefix: scope });

        expect(empty).toEqual({ events: 0, capped: false, oldestRecordedAt: null });
        expect(fromStart).toMatchObject({ events: 5, capped: false });
        // The store's clock, so only roughly the test's.
        expect(Math.abs((fromStart.oldestRecordedAt?.getTime() ?? 0) - before)).toBeLessThan(60_000);
        expect(fromSecond).toMatchObject({ events: 3, capped: false });
        expect(fromSecond.oldestRecordedAt?.getTime()).toBeGreaterThanOrEqual(
          fromStart.oldestRecordedAt?.getTime() ?? 0,
        );
        expect(atHead).toEqual({ events: 0, capped: false, oldestRecordedAt: null });
      });

      it('counts no further than the limit, and says so', async () => {
        const scope = `${prefix}lagcap-`;
        await log.append(`${scope}a`, events(4), 'no_stream');

        expect(await log.measureLag(null, { streamPrefix: scope, limit: 2 })).toMatchObject({
          events: 2,
          capped: true,
        });
        expect(await log.measureLag(null, { streamPrefix: scope, limit: 4 })).toMatchObject({
          events: 4,
          capped: false,
        });
      });
    });

    describe('subscribeToAll', () => {
      it('delivers every event from the start in append order, then resumes exactly after a position', async () => {
        const scope = `${prefix}order-`;
        const a = `${scope}a`;
        const b = `${scope}b`;
        await log.append(a, events(2), 'no_stream');
        await log.append(b, events(3), 'no_stream');
        await log.append(a, events(1), 1);

        const all = await collect(log.subscribeToAll({ streamPrefix: scope }), (seen) => seen.length >= 6);
        const rest = await collect(
          log.subscribeToAll({ streamPrefix: scope, after: all[2]?.position }),
          (seen) => seen.length >= 3,
        );

        expect(all.map((r) => `${r.streamId.slice(scope.length)}${r.revision}`)).toEqual([
          'a0',
          'a1',
          'b0',
          'b1',
          'b2',
          'a2',
        ]);
        expect(rest.map((r) => r.id)).toEqual(all.slice(3).map((r) => r.id));
      });

      it('compares positions in the order the subscription delivers them', async () => {
        const scope = `${prefix}compare-`;
        await log.append(`${scope}a`, events(2), 'no_stream');
        await log.append(`${scope}b`, events(2), 'no_stream');
        await log.append(`${scope}a`, events(1), 1);

        const positions = (await collect(log.subscribeToAll({ streamPrefix: scope }), (seen) => seen.length >= 5)).map(
          (r) => r.position,
        );

        for (const [i, a] of positions.entries()) {
          for (const [j, b] of positions.entries())
            expect(Math.sign(log.comparePositions(a, b))).toBe(Math.sign(i - j));
        }
        expect(() => log.comparePositions('not a position', positions[0] as string)).toThrow();
      });

      it('delivers events appended after it started, live', async () => {
        const scope = `${prefix}live-`;
        const subscription = log.subscribeToAll({ streamPrefix: scope });
        const seen = collect(subscription, (s) => s.length >= 3);

        await new Promise((resolve) => setTimeout(resolve, 300));
        await log.append(`${scope}x`, events(2), 'no_stream');
        await log.append(`${scope}y`, events(1), 'no_stream');

        expect((await seen).map((r) => r.streamId)).toEqual([`${scope}x`, `${scope}x`, `${scope}y`]);
      });

      it('only delivers streams with the given prefix', async () => {
        const scope = `${prefix}filter-`;
        await log.append(`${scope}in-1`, events(1), 'no_stream');
        await log.append(`${prefix}elsewhere-${scope}in-2`, events(1), 'no_stream');
        await log.append(`${scope}in-3`, events(1), 'no_stream');

        const seen = await collect(log.subscribeToAll({ streamPrefix: `${scope}in` }), (s) => s.length >= 2);

        expect(seen.map((r) => r.streamId)).toEqual([`${scope}in-1`, `${scope}in-3`]);
      });

      it('reads a page of the given streams in log order after a position, and refuses a foreign position', async () => {
        const scope = `${prefix}page-`;
        await log.append(`${scope}a`, events(2), 'no_stream');
        await log.append(`${scope}ab`, events(1), 'no_stream');
        await log.append(`${scope}b`, events(1), 'no_stream');
        await log.append(`${scope}a`, events(1), 1);
        const streamIds = [`${scope}a`, `${scope}b`];
        await readable(log, streamIds, 4);

        const first = await log.readAll({ streamIds, limit: 3 });
        const rest = await log.readAll({ streamIds, limit: 3, after: first[first.length - 1]?.position });

        expect(first.map((r) => `${r.streamId.slice(scope.length)}@${r.revision}`)).toEqual(['a@0', 'a@1', 'b@0']);
        expect(rest.map((r) => `${r.streamId.slice(scope.length)}@${r.revision}`)).toEqual(['a@2']);
        expect(await log.readAll({ streamIds, limit: 3, after: rest[0]?.position })).toEqual([]);
        await expect(log.readAll({ streamIds, limit: 3, after: 'not a position' })).rejects.toThrow(
          InvalidPositionError,
        );
      });

      it('ends iteration when closed while waiting for events', async () => {
        const subscription = log.subscribeToAll({ streamPrefix: `${prefix}never-` });
        const iterating = (async () => {
          let count = 0;
          for await (const _ of subscription) count += 1;
          return count;
        })();

        await new Promise((resolve) => setTimeout(resolve, 200));
        await subscription.close();

        await expect(iterating).resolves.toBe(0);
      });

      it('never skips nor repeats an event while many writers append concurrently', async () => {
        const scope = `${prefix}storm-`;
        const writers = 8;
        const perWriter = 25;
        const subscription = log.subscribeToAll({ streamPrefix: scope });
        const seen = collect(subscription, (s) => s.length >= writers * perWriter, 60_000);

        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < perWriter; i += 1) {
              await log.append(`${scope}w${w}`, [event('Storm', { w, i })], i === 0 ? 'no_stream' : i - 1);
            }
          }),
        );
        const delivered = await seen;

        expect(new Set(delivered.map((r) => r.id)).size).toBe(writers * perWriter);
        for (let w = 0; w < writers; w += 1) {
          const revisions = delivered.filter((r) => r.streamId === `${scope}w${w}`).map((r) => r.revision);
          expect(revisions).toEqual(Array.from({ length: perWriter }, (_, i) => i));
        }
        const resumed = await collect(
          log.subscribeToAll({ streamPrefix: scope, after: delivered[99]?.position }),
          (s) => s.length >= writers * perWriter - 100,
        );
        expect(resumed.map((r) => r.id)).toEqual(delivered.slice(100).map((r) => r.id));
      });
    });
  });
}
