import { isRecord, isStorableText, isToken, SLUG_PATTERN, TOKEN_PATTERN } from '@gwpool/domain';
import { IsDefined, IsInt, Matches, Max, Min, ValidateBy, ValidateIf } from 'class-validator';

// The field rules every request DTO is built from. Decorators run from the last to the first: put the type check
// last so it is reported first.

export const TOKEN_MESSAGE = 'must be 1 to 64 letters, digits, underscores or hyphens';
export const SLUG_MESSAGE = 'must be 1 to 32 lowercase letters, digits or hyphens, not starting or ending with a hyphen';

export const Token = () => Matches(TOKEN_PATTERN, { message: `$property ${TOKEN_MESSAGE}` });
export const Required = () => IsDefined({ message: '$property is required' });
// Unlike IsOptional, a null is checked (and refused) rather than let through as a value.
export const IsOptional = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Free text must be storable: PostgreSQL refuses a NUL character or a lone surrogate, which would fail the write. */
export const Storable = () =>
  ValidateBy({
    name: 'storableText',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || isStorableText(value),
      defaultMessage: () => '$property must not contain a NUL character or a lone surrogate',
    },
  });

/** Why a value is not a list of at most `max` tokens, or undefined when it is one. */
function tokenListProblem(value: unknown, max: number): string | undefined {
  if (!Array.isArray(value)) return 'must be an array of tokens';
  if (value.length > max) return `must hold at most ${max} items, not ${value.length}`;
  const bad = value.findIndex((item) => !isToken(item));
  return bad < 0 ? undefined : `[${bad}] ${TOKEN_MESSAGE}`;
}

/** A JSON array of at most `max` tokens (gateway ids, tags); each element checked, none converted. */
export const TokenList = (max: number) =>
  ValidateBy({
    name: 'tokenList',
    validator: {
      validate: (value: unknown) => tokenListProblem(value, max) === undefined,
      defaultMessage: (args) => `$property ${tokenListProblem(args?.value, max) ?? 'is not valid'}`,
    },
  });

/** A whole number from `min` to `max`, with one message whatever rule it breaks. */
export const WholeNumber = (min: number, max: number) => {
  const message = `$property must be a whole number from ${min} to ${max}`;
  const decorators = [Max(max, { message }), Min(min, { message }), IsInt({ message })];
  return (target: object, property: string) => decorators.forEach((decorate) => decorate(target, property));
};

/** The largest connection count or capacity a heartbeat may report; keeps load arithmetic exact. */
export const MAX_LOAD = 10_000_000;

const LOAD_KEYS: ReadonlySet<string> = new Set(['activeConnections', 'capacity']);

/** Why a heartbeat's `load` is not `{activeConnections, capacity?}` with whole numbers (to follow the field's name), or undefined. */
export function loadProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return ' must be an object {activeConnections, capacity?}';
  const extra = Object.keys(value).find((key) => !LOAD_KEYS.has(key));
  if (extra !== undefined) return `.${extra.slice(0, 64)} should not exist`;
  const activeConnections = Object.getOwnPropertyDescriptor(value, 'activeConnections')?.value as unknown;
  const capacity = Object.getOwnPropertyDescriptor(value, 'capacity')?.value as unknown;
  const whole = (v: unknown, min: number) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= MAX_LOAD;
  if (activeConnections === undefined) return '.activeConnections is required';
  if (!whole(activeConnections, 0)) return `.activeConnections must be a whole number from 0 to ${MAX_LOAD}`;
  if (capacity !== undefined && !whole(capacity, 1)) return `.capacity must be a whole number from 1 to ${MAX_LOAD}`;
  return undefined;
}

export const LoadShape = () =>
  ValidateBy({
    name: 'load',
    validator: {
      validate: (value: unknown) => loadProblem(value) === undefined,
      defaultMessage: (args) => `$property${loadProblem(args?.value) ?? ' is not valid'}`,
    },
  });

export const Slug = () => Matches(SLUG_PATTERN, { message: `$property ${SLUG_MESSAGE}` });

/**
 * The hot path (route.pick, route.resolve) checks its one-token bodies by hand with the same rule as the
 * decorators; anything else goes through full validation, which also words the refusal. It reads the one own data
 * property and nothing inherited, so a prototype key or an accessor cannot stand in for the field.
 */
export function singleToken<T extends object>(dto: new () => T, field: keyof T & string, body: unknown): T | undefined {
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    Object.getPrototypeOf(body) !== Object.prototype
  )
    return undefined;
  const keys = Object.getOwnPropertyNames(body);
  if (keys.length !== 1 || keys[0] !== field) return undefined;
  const value: unknown = Object.getOwnPropertyDescriptor(body, field)?.value;
  if (typeof value !== 'string' || !TOKEN_PATTERN.test(value)) return undefined;
  const dtoInstance = new dto();
  (dtoInstance as Record<string, unknown>)[field] = value;
  return dtoInstance;
}
