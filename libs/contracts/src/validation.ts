import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { RequestValidationError } from './request-validation-error.js';

/** Bodies larger than this are refused before they are parsed (NATS itself allows up to 1 MB). */
export const MAX_BODY_BYTES = 65_536;

/** What the deserializer hands on when a request body is not JSON, so the handler can answer it. */
export class MalformedBody {
  constructor(readonly reason: string) {}
}

/** What the deserializer hands on instead of parsing a body over MAX_BODY_BYTES. */
export class OversizedBody {
  constructor(readonly bytes: number) {}
}

/** Reasons named in a refusal's message; details keep every field and the edge bounds them. */
const MESSAGE_REASONS = 5;
const NAME_IN_REASON = 64;

const shortName = (name: string): string => (name.length > NAME_IN_REASON ? `${name.slice(0, NAME_IN_REASON)}…` : name);

/** Keys that would reach an object's prototype or constructor; never fields, whatever a DTO says. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

type DtoClass<T> = (new () => T) & { fastParse?: (body: unknown) => T | undefined };

const declaredCache = new WeakMap<object, ReadonlySet<string>>();

/** The fields a DTO declares: exactly the properties its class-validator decorators name. */
export function declaredFields(dto: new () => object): ReadonlySet<string> {
  let fields = declaredCache.get(dto);
  if (!fields) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
    fields = new Set(metadata.map((m) => m.propertyName).filter((name) => !FORBIDDEN_KEYS.has(name)));
    declaredCache.set(dto, fields);
  }
  return fields;
}

/** Sets an own data property, even one named `__proto__`, which plain assignment would turn into a prototype change. */
export function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function collect(errors: ValidationError[], into: Record<string, string>): void {
  for (const error of errors) {
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) setOwn(into, error.property, messages.join('; '));
  }
}

export function validationRefusal(fields: Record<string, string>): RequestValidationError {
  const reasons = Object.values(fields);
  const shown = reasons.slice(0, MESSAGE_REASONS).join('; ');
  const more = reasons.length > MESSAGE_REASONS ? `; and ${reasons.length - MESSAGE_REASONS} more` : '';
  return new RequestValidationError(`invalid request: ${shown}${more}`, fields);
}

const notAnObject = (message: string) => new RequestValidationError(message, { body: 'must be a JSON object' });

/**
 * Checks a request body against its DTO class and returns a fresh instance holding only the declared fields.
 * Own keys are read one by one (never Object.assign or a spread of untrusted JSON): `__proto__`, `constructor`,
 * `prototype` and every undeclared key are unknown fields. Every type check is strict; nothing is coerced.
 * Throws RequestValidationError whose fields name each bad field.
 */
export function parseRequest<T extends object>(dto: DtoClass<T>, body: unknown): T {
  const fast = dto.fastParse?.(body);
  if (fast !== undefined) return fast;
  if (body instanceof MalformedBody) throw notAnObject(`request body is not valid JSON: ${body.reason}`);
  if (body instanceof OversizedBody) {
    throw new RequestValidationError(`request body is ${body.bytes} bytes, over the limit of ${MAX_BODY_BYTES} bytes`, {
      body: `must be at most ${MAX_BODY_BYTES} bytes`,
    });
  }
  if (body === undefined) body = {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw notAnObject('request body must be a JSON object');
  }
  const declared = declaredFields(dto);
  const instance = new dto();
  const unknown: string[] = [];
  for (const key of Object.keys(body)) {
    if (FORBIDDEN_KEYS.has(key) || !declared.has(key)) unknown.push(key);
    else setOwn(instance, key, (body as Record<string, unknown>)[key]);
  }
  // One message per field: a missing field need not also be told it is not a string.
  const errors = validateSync(instance, { forbidUnknownValues: false, stopAtFirstError: true });
  const fields: Record<string, string> = {};
  collect(errors, fields);
  for (const key of unknown) setOwn(fields, key, `property ${shortName(key)} should not exist`);
  if (Object.keys(fields).length > 0) throw validationRefusal(fields);
  return instance;
}
