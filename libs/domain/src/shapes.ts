import { isAccountKey, isSlug, isStorableText, isToken, USER_KEY_PATTERN } from './identifiers.js';

/**
 * Strict checks of plain data (commands, events) that may have come from anywhere: exact types, no coercion,
 * no extra keys. A rule returns why a value is wrong, or undefined.
 */
export type Rule = (value: unknown) => string | undefined;

export interface Shape {
  required: Readonly<Record<string, Rule>>;
  optional?: Readonly<Record<string, Rule>>;
}

export const isRecord = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

export const token: Rule = (v) =>
  isToken(v) ? undefined : 'must be a string of 1 to 64 letters, digits, underscores or hyphens';

export const slug: Rule = (v) =>
  isSlug(v)
    ? undefined
    : 'must be a string of 1 to 32 lowercase letters, digits or hyphens, not starting or ending with a hyphen';

export const accountKey: Rule = (v) =>
  isAccountKey(v) ? undefined : 'must be a NATS account public key (A followed by 55 base32 characters)';

export const userKey: Rule = (v) =>
  typeof v === 'string' && USER_KEY_PATTERN.test(v)
    ? undefined
    : 'must be a NATS user public key (U followed by 55 base32 characters)';

export const text =
  (min: number, max: number): Rule =>
  (v) =>
    typeof v === 'string' && v.length >= min && v.length <= max && isStorableText(v)
      ? undefined
      : `must be a string of ${min} to ${max} characters, with no NUL character or lone surrogate`;

export const bool: Rule = (v) => (typeof v === 'boolean' ? undefined : 'must be a boolean');

export const wholeNumber: Rule = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? undefined : 'must be a whole number from 0';

export const intRange =
  (min: number, max: number): Rule =>
  (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max
      ? undefined
      : `must be a whole number from ${min} to ${max}`;

/** At most `max` tokens; `canonical` also requires them sorted, without duplicates, and at least one. */
export const tokenList =
  (max: number, { canonical = false } = {}): Rule =>
  (v) => {
    if (!Array.isArray(v)) return 'must be an array';
    if (v.length > max) return `must hold at most ${max} items`;
    if (canonical && v.length === 0) return 'must hold at least one item';
    for (const [index, element] of v.entries()) {
      const why = token(element);
      if (why !== undefined) return `[${index}] ${why}`;
      if (canonical && index > 0 && !((v[index - 1] as string) < (element as string)))
        return 'must be sorted, without duplicates';
    }
    return undefined;
  };

export const oneOf =
  (values: readonly string[]): Rule =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.join(', ')}`;

export const arrayOf =
  (item: Rule): Rule =>
  (v) => {
    if (!Array.isArray(v)) return 'must be an array';
    for (const [index, element] of v.entries()) {
      const why = item(element);
      if (why !== undefined) return `[${index}] ${why}`;
    }
    return undefined;
  };

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
export const isoTime: Rule = (v) =>
  typeof v === 'string' && ISO_UTC.test(v) && Number.isFinite(Date.parse(v))
    ? undefined
    : 'must be an ISO-8601 UTC time';

/** The first problem of `value` against `shape`, as `field why`; a key whose value is undefined counts as absent. */
export function shapeProblem(value: unknown, shape: Shape): { field: string; why: string } | undefined {
  if (!isRecord(value)) return { field: '', why: 'must be an object' };
  for (const key of Object.keys(value)) {
    if (value[key] !== undefined && !Object.hasOwn(shape.required, key) && !Object.hasOwn(shape.optional ?? {}, key)) {
      return { field: key, why: 'is not allowed' };
    }
  }
  for (const [key, rule] of Object.entries(shape.required)) {
    const field = Object.getOwnPropertyDescriptor(value, key)?.value as unknown;
    if (field === undefined) return { field: key, why: 'is required' };
    const why = rule(field);
    if (why !== undefined) return { field: key, why };
  }
  for (const [key, rule] of Object.entries(shape.optional ?? {})) {
    const field = Object.getOwnPropertyDescriptor(value, key)?.value as unknown;
    if (field === undefined) continue;
    const why = rule(field);
    if (why !== undefined) return { field: key, why };
  }
  return undefined;
}

export const nested =
  (shape: Shape): Rule =>
  (v) => {
    const problem = shapeProblem(v, shape);
    return problem && (problem.field ? `${problem.field} ${problem.why}` : problem.why);
  };

/** One of several shapes, chosen by a literal `kind`. */
export const byKind =
  (shapes: Readonly<Record<string, Shape>>): Rule =>
  (v) => {
    const kind = isRecord(v) ? v['kind'] : undefined;
    const shape = typeof kind === 'string' && Object.hasOwn(shapes, kind) ? shapes[kind] : undefined;
    if (!shape) return `must be an object whose kind is one of ${Object.keys(shapes).join(', ')}`;
    return nested(shape)(v);
  };
