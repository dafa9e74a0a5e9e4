import { EventLogUnavailableError } from '@gwpool/event-log';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
// SQLSTATE classes 08 (connection), 53 (insufficient resources), 57P0x (server shutting down or restarting).
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0)/;
const PG_CONNECTION_MESSAGE =
  /^(Connection terminated|timeout expired|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|Cannot use a pool after calling end)/;

// Duck-typed: socket errors may come from another realm (a test sandbox), where `instanceof Error` fails.
export function isUnavailable(error: unknown): error is Error {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  return typeof message === 'string' && PG_CONNECTION_MESSAGE.test(message);
}

export const translate = (error: unknown): unknown =>
  isUnavailable(error)
    ? new EventLogUnavailableError(`PostgreSQL event log unavailable: ${error.message}`, { cause: error })
    : error;
