import { setOwn, type WireError } from '@gwpool/contracts';

/**
 * Every error reply is bounded here, whatever the caller sent: no reply may pass NATS's max_payload, or be a
 * megabyte of echoed keys, because of caller input. Limits are documented in docs/api.md (Errors).
 */
export const WIRE_LIMITS = {
  messageChars: 512,
  fields: 5,
  fieldNameChars: 64,
  fieldReasonChars: 200,
  detailStringChars: 256,
  detailArrayItems: 5,
  detailKeys: 8,
  bodyBytes: 3072,
  headerChars: 256,
} as const;

export const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Header values are single lines of printable characters. */
export const headerText = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  clip(text.replace(/[\u0000-\u001f\u007f]+/g, ' '), WIRE_LIMITS.headerChars);

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

function boundValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return clip(value, WIRE_LIMITS.detailStringChars);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) {
    return value.slice(0, WIRE_LIMITS.detailArrayItems).map((item) => boundValue(item, depth + 1));
  }
  if (typeof value === 'object' && depth < 2) {
    const out = {};
    for (const [key, item] of Object.entries(value).slice(0, WIRE_LIMITS.detailKeys)) {
      setOwn(out, clip(key, WIRE_LIMITS.fieldNameChars), boundValue(item, depth + 1));
    }
    return out;
  }
  return null;
}

function boundFields(fields: object, keep: number): { fields: Record<string, string>; moreFields?: number } {
  const entries = Object.entries(fields);
  const out: Record<string, string> = {};
  for (const [name, reason] of entries.slice(0, keep)) {
    setOwn(out, clip(name, WIRE_LIMITS.fieldNameChars), clip(String(reason), WIRE_LIMITS.fieldReasonChars));
  }
  return entries.length > keep ? { fields: out, moreFields: entries.length - keep } : { fields: out };
}

function boundDetails(details: Record<string, unknown>, keepFields: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details).slice(0, WIRE_LIMITS.detailKeys)) {
    if (key === 'fields' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const { fields, moreFields } = boundFields(value, keepFields);
      out['fields'] = fields;
      if (moreFields !== undefined) out['moreFields'] = moreFields;
    } else if (key !== 'moreFields') {
      setOwn(out, clip(key, WIRE_LIMITS.fieldNameChars), boundValue(value, 1));
    }
  }
  return out;
}

/** The error as it may go on the wire: short message, a few short fields, the whole reply within bodyBytes. */
export function boundWireError(error: WireError): WireError {
  const message = clip(error.message, WIRE_LIMITS.messageChars);
  if (error.details === undefined) return { code: error.code, message };
  // Multi-byte and escaped characters can still make the reply too long: name fewer fields until it fits.
  for (let keep = WIRE_LIMITS.fields; keep >= 0; keep -= 1) {
    const bounded: WireError = { code: error.code, message, details: boundDetails(error.details, keep) };
    if (bytes({ error: bounded }) <= WIRE_LIMITS.bodyBytes) return bounded;
  }
  const bare: WireError = { code: error.code, message };
  return bytes({ error: bare }) <= WIRE_LIMITS.bodyBytes ? bare : { code: error.code, message: clip(message, 128) };
}
