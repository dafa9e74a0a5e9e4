import {
  type EventMetadata,
  EventLogUnavailableError,
  InvalidPositionError,
  type ExpectedRevision,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '@gwpool/event-log';
import { ANY, type AppendStreamState, NO_STREAM, type Position } from '@kurrent/kurrentdb-client';
import { isNetworkErrorCode } from '@gwpool/connection-errors';

const SCHEMES: Readonly<Record<string, string>> = {
  // The client still parses esdb:// but warns on every connection; the kurrentdb forms mean the same.
  esdb: 'kurrentdb',
  'esdb+discover': 'kurrentdb+discover',
  kurrentdb: 'kurrentdb',
  'kurrentdb+discover': 'kurrentdb+discover',
  kurrent: 'kurrent',
  'kurrent+discover': 'kurrent+discover',
  kdb: 'kdb',
  'kdb+discover': 'kdb+discover',
};

/** The connection string the client accepts: its scheme parser is case-sensitive and deprecates esdb. */
export function normaliseUrl(url: string): string {
  const trimmed = url.trim();
  const match = /^([a-z+]+):\/\//i.exec(trimmed);
  const scheme = match ? SCHEMES[(match[1] as string).toLowerCase()] : undefined;
  if (!match || !scheme) {
    throw new RangeError('a KurrentDB URL must start with kurrentdb://, kurrent://, esdb:// or their +discover forms');
  }
  return `${scheme}://${trimmed.slice(match[0].length)}`;
}

export { InvalidPositionError };

const POSITION_PATTERN = /^(\d{1,20})\/(\d{1,20})$/;

/** `commit/prepare` in decimal: both halves are unsigned 64-bit, beyond what a JavaScript number holds exactly. */
export const encodePosition = ({ commit, prepare }: Position): string => `${commit}/${prepare}`;

export function decodePosition(position: string): Position {
  const match = POSITION_PATTERN.exec(position);
  if (!match) throw new InvalidPositionError(`'${position}' is not a KurrentDB event-log position (commit/prepare)`);
  return { commit: BigInt(match[1] as string), prepare: BigInt(match[2] as string) };
}

/** The order of $all: by commit position, then by prepare position within one commit. */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new RangeError(`expected revision ${expected} is not 'no_stream', 'any' or a revision >= 0`);
  }
  return BigInt(expected);
}

/** The fields read from the client's recorded events, whether from a stream read or a subscription. */
export interface KurrentRecord {
  id: string;
  streamId: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata?: unknown;
  created: Date;
  position?: Position;
}

/** `$`-prefixed types and streams are the server's own (stats, metadata, links, scavenges), never domain events. */
export const isSystemEvent = ({ streamId, type }: Pick<KurrentRecord, 'streamId' | 'type'>): boolean =>
  streamId.startsWith('$') || type.startsWith('$');

export function toRecordedEvent(event: KurrentRecord): RecordedEvent {
  if (!event.position) {
    // Stream reads carry positions from EventStoreDB 22.10 on; without one a consumer could not resume after it.
    throw new Error(`KurrentDB reported no position for event ${event.id}; it needs EventStoreDB 22.10 or later`);
  }
  return {
    id: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: encodePosition(event.position),
    type: event.type,
    data: event.data,
    metadata: (event.metadata ?? {}) as EventMetadata,
    recordedAt: event.created,
  };
}

// Errors are duck-typed by the client's `type` tag and gRPC status: raw gRPC errors reach us too (the append path
// rejects with them unconverted), and socket errors may come from another realm, where `instanceof` fails.
const UNAVAILABLE_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'not-leader', 'cancelled']);
// gRPC UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL and DATA_LOSS: the client itself reconnects on these.
const UNAVAILABLE_GRPC_CODES = new Set([14, 4, 13, 15]);
const UNAVAILABLE_NAMES = new Set(['UnavailableError', 'DeadlineExceededError']);
const UNAVAILABLE_MESSAGE = /Failed to discover after \d+ attempts|No connection established|client error \(Connect\)/;

interface ErrorShape {
  type?: unknown;
  code?: unknown;
  name?: unknown;
  message?: unknown;
}

const shape = (error: unknown): ErrorShape => (typeof error === 'object' && error !== null ? error : {});

export function isUnavailable(error: unknown): boolean {
  const { type, code, name, message } = shape(error);
  if (typeof type === 'string' && UNAVAILABLE_TYPES.has(type)) return true;
  if (typeof code === 'number' && UNAVAILABLE_GRPC_CODES.has(code)) return true;
  if (isNetworkErrorCode(code)) return true;
  if (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

export const isStreamNotFound = (error: unknown): boolean => shape(error).type === 'stream-not-found';

export function translateError(error: unknown): unknown {
  if (error instanceof EventLogUnavailableError || !isUnavailable(error)) return error;
  const { message, type } = shape(error);
  const detail = [message, type].find((text): text is string => typeof text === 'string' && text !== '');
  return new EventLogUnavailableError(`KurrentDB event log unavailable: ${detail ?? 'no detail'}`, { cause: error });
}

/** The stream's revision as WrongExpectedVersionError reports it: a bigint, or `no_stream`. */
export function toActualRevision(actualState: unknown): number | 'no_stream' | 'unknown' {
  if (typeof actualState === 'bigint') return Number(actualState);
  return actualState === NO_STREAM ? 'no_stream' : 'unknown';
}

export function translateAppendError(error: unknown, streamId: string, expected: ExpectedRevision): unknown {
  const details = shape(error) as ErrorShape & { actualState?: unknown };
  if (details.type === 'wrong-expected-version') {
    return new WrongExpectedRevisionError(streamId, expected, toActualRevision(details.actualState));
  }
  return translateError(error);
}
