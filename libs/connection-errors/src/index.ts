/** Socket error codes that mean the server could not be reached or the connection broke. */
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

export const isNetworkErrorCode = (code: unknown): boolean => typeof code === 'string' && NETWORK_CODES.has(code);

// SQLSTATE classes 08 (connection), 53 (insufficient resources), 57P0x (server shutting down or restarting).
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0)/;
const PG_CONNECTION_MESSAGE =
  /^(Connection terminated|timeout expired|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|Cannot use a pool after calling end)/;

/**
 * Whether a `pg` failure means PostgreSQL is unavailable rather than that the request was wrong.
 * Duck-typed: socket errors may come from another realm (a test sandbox), where `instanceof Error` fails.
 */
export function isPostgresUnavailable(error: unknown): error is Error {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (isNetworkErrorCode(code) || (typeof code === 'string' && UNAVAILABLE_SQLSTATE.test(code))) return true;
  return typeof message === 'string' && PG_CONNECTION_MESSAGE.test(message);
}
