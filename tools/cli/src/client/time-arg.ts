import { parseDuration } from '@gwpool/domain';
import { InvalidArgumentError } from 'commander';

/** `2026-12-01T18:00:00Z` as it is, or a duration back from now: `15m` is fifteen minutes ago. */
export function parseTime(value: string): string {
  const ago = parseDuration(value);
  if (ago !== undefined) return new Date(Date.now() - ago).toISOString();
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(Date.parse(value))) return value;
  throw new InvalidArgumentError('must be an ISO-8601 time (2026-12-01T18:00:00Z) or a duration back from now (15m).');
}
