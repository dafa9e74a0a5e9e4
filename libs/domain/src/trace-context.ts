/** A W3C trace context `traceparent` as the services store and pass it on: version 00, lowercase hex. */
const CANONICAL = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
/** Later versions keep the first four fields; anything after them is theirs to define. */
const FUTURE = /^(?!ff)[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/s;
const ALL_ZEROS = /^0+$/;

function isCanonical(text: string): boolean {
  const match = CANONICAL.exec(text);
  return match !== null && !ALL_ZEROS.test(match[1] as string) && !ALL_ZEROS.test(match[2] as string);
}

/** Whether `value` is a traceparent as stored in event metadata. */
export const isTraceparent = (value: unknown): value is string => typeof value === 'string' && isCanonical(value);

/** The metadata schemas' rule for `traceparent`, of events and of commands alike. */
export const traceparentRule = (value: unknown): string | undefined =>
  isTraceparent(value) ? undefined : 'must be a W3C traceparent: 00-{32 hex}-{16 hex}-{2 hex}';

/**
 * The traceparent a caller sent, validated as the W3C spec says (an invalid one is ignored, not an error), in
 * version-00 form; undefined when absent or invalid. A later version's extra fields are dropped.
 */
export function parseTraceparent(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 512) return undefined;
  const text = value.trim();
  if (isCanonical(text)) return text;
  const match = FUTURE.exec(text);
  if (!match || text.startsWith('00-')) return undefined;
  const canonical = `00-${match[1]}-${match[2]}-${match[3]}`;
  return isCanonical(canonical) ? canonical : undefined;
}
