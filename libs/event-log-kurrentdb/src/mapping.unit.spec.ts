import { EventLogUnavailableError, WrongExpectedRevisionError } from '@gwpool/event-log';
import {
  AccessDeniedError,
  ANY,
  DeadlineExceededError,
  NO_STREAM,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import {
  comparePositions,
  decodePosition,
  encodePosition,
  InvalidPositionError,
  isStreamNotFound,
  isSystemEvent,
  normaliseUrl,
  toRecordedEvent,
  toStreamState,
  translateAppendError,
  translateError,
} from './mapping.js';

const U64_MAX = 2n ** 64n - 1n;

describe('positions', () => {
  it('round-trips commit and prepare positions, even beyond the safe integer range', () => {
    for (const position of [
      { commit: 0n, prepare: 0n },
      { commit: 1234n, prepare: 1200n },
      { commit: U64_MAX, prepare: U64_MAX - 1n },
    ]) {
      expect(decodePosition(encodePosition(position))).toEqual(position);
    }
  });

  it('encodes as commit/prepare in decimal', () => {
    expect(encodePosition({ commit: 42n, prepare: 40n })).toBe('42/40');
  });

  it.each(['', '12', '1:2', '-1/2', '1/2/3', ' 1/2', '1/2 ', '0x1/2', 'a/b'])('rejects %p as a position', (text) => {
    expect(() => decodePosition(text)).toThrow(InvalidPositionError);
    expect(() => decodePosition(text)).toThrow(RangeError);
  });

  it('orders positions by commit, then by prepare within a commit', () => {
    const first = { commit: 10n, prepare: 10n };
    const second = { commit: 10n, prepare: 12n };
    const third = { commit: 11n, prepare: 0n };

    expect([third, first, second].sort(comparePositions)).toEqual([first, second, third]);
    expect(comparePositions({ commit: 5n, prepare: 5n }, { commit: 5n, prepare: 5n })).toBe(0);
  });

  it('orders position strings as numbers, never as text, as the log compares them', () => {
    // What KurrentEventLog.comparePositions runs: decode both, then compare.
    const order = (a: string, b: string) => Math.sign(comparePositions(decodePosition(a), decodePosition(b)));
    expect(order('9/9', '10/0')).toBe(-1);
    expect(order('100/40', '100/5')).toBe(1);
    expect(order('0100/5', '100/5')).toBe(0);
    expect(order(`${U64_MAX}/0`, `${U64_MAX - 1n}/${U64_MAX}`)).toBe(1);
    expect(order(`${2n ** 53n + 1n}/0`, `${2n ** 53n}/0`)).toBe(1);
    expect(() => order('1:2', '1/2')).toThrow(InvalidPositionError);
  });
});

describe('expected revisions', () => {
  it('maps no_stream, any and a revision to the client stream states', () => {
    expect(toStreamState('no_stream')).toBe(NO_STREAM);
    expect(toStreamState('any')).toBe(ANY);
    expect(toStreamState(0)).toBe(0n);
    expect(toStreamState(41)).toBe(41n);
  });

  it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('rejects %p as an expected revision', (revision) => {
    expect(() => toStreamState(revision)).toThrow(RangeError);
  });
});

describe('URLs', () => {
  it.each([
    ['esdb://localhost:2113?tls=false', 'kurrentdb://localhost:2113?tls=false'],
    ['esdb+discover://cluster.example:2113', 'kurrentdb+discover://cluster.example:2113'],
    ['KurrentDB://admin:changeit@h1:2113,h2:2113', 'kurrentdb://admin:changeit@h1:2113,h2:2113'],
    ['kurrentdb+discover://cluster.example', 'kurrentdb+discover://cluster.example'],
    ['kurrent://127.0.0.1:2113?tls=false', 'kurrent://127.0.0.1:2113?tls=false'],
    ['  kurrent+discover://cluster.example  ', 'kurrent+discover://cluster.example'],
  ])('normalises %p to %p', (url, expected) => {
    expect(normaliseUrl(url)).toBe(expected);
  });

  it.each(['postgres://localhost/db', 'http://localhost:2113', 'localhost:2113'])('refuses %p', (url) => {
    expect(() => normaliseUrl(url)).toThrow(RangeError);
  });
});

describe('error translation', () => {
  const wrongVersion = (current: bigint | 'no_stream') =>
    new WrongExpectedVersionError(undefined, { streamName: 'pool-1', expected: 0n, current });

  it('turns a wrong expected version into WrongExpectedRevisionError with the actual revision', () => {
    const translated = translateAppendError(wrongVersion(2n), 'pool-1', 0);

    expect(translated).toBeInstanceOf(WrongExpectedRevisionError);
    expect(translated).toMatchObject({ streamId: 'pool-1', expected: 0, actual: 2 });
  });

  it('reports a missing stream as no_stream', () => {
    expect(translateAppendError(wrongVersion('no_stream'), 'pool-1', 3)).toMatchObject({
      name: 'WrongExpectedRevisionError',
      expected: 3,
      actual: 'no_stream',
    });
  });

  it.each([
    ['the client UnavailableError', new UnavailableError()],
    ['the client DeadlineExceededError', new DeadlineExceededError()],
    ['a raw gRPC UNAVAILABLE', Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 })],
    ['a refused socket', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2113'), { code: 'ECONNREFUSED' })],
    ['a failed discovery', new Error('Failed to discover after 10 attempts.')],
    ['a bridge error from the native client', Object.assign(new Error('unavailable'), { name: 'UnavailableError' })],
  ])('reports %s as EventLogUnavailableError, keeping the cause', (_, error) => {
    const translated = translateError(error);

    expect(translated).toBeInstanceOf(EventLogUnavailableError);
    expect((translated as Error).cause).toBe(error);
    expect(translateAppendError(error, 'pool-1', 'any')).toBeInstanceOf(EventLogUnavailableError);
  });

  it('leaves errors about the request itself alone', () => {
    const denied = new AccessDeniedError();
    const bug = new TypeError('not a function');

    expect(translateError(denied)).toBe(denied);
    expect(translateError(bug)).toBe(bug);
  });

  it('passes an EventLogUnavailableError through unchanged', () => {
    const unavailable = new EventLogUnavailableError('gone');

    expect(translateError(unavailable)).toBe(unavailable);
  });

  it('recognises a missing stream', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 'pool-1'))).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
  });
});

describe('recorded events', () => {
  const created = new Date('2026-01-02T03:04:05.000Z');
  const metadata = { correlationId: 'c', causationId: 'k', occurredAt: created.toISOString() };

  it('maps a client event to the port, with its position encoded', () => {
    const recorded = toRecordedEvent({
      id: 'e1',
      streamId: 'pool-1',
      revision: 3n,
      type: 'PoolCreated',
      data: { name: 'edge' },
      metadata,
      created,
      position: { commit: 900n, prepare: 880n },
    });

    expect(recorded).toEqual({
      id: 'e1',
      streamId: 'pool-1',
      revision: 3,
      position: '900/880',
      type: 'PoolCreated',
      data: { name: 'edge' },
      metadata,
      recordedAt: created,
    });
  });

  it('refuses an event without a position, which no consumer could resume after', () => {
    expect(() =>
      toRecordedEvent({ id: 'e1', streamId: 's', revision: 0n, type: 'T', data: {}, metadata, created }),
    ).toThrow(/no position/);
  });

  it('treats $-prefixed streams and types as system events', () => {
    expect(isSystemEvent({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBe(true);
    expect(isSystemEvent({ streamId: '$$pool-1', type: 'anything' })).toBe(true);
    expect(isSystemEvent({ streamId: 'pool-1', type: '$>' })).toBe(true);
    expect(isSystemEvent({ streamId: 'pool-1', type: 'PoolCreated' })).toBe(false);
  });
});
