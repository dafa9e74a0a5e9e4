import { isToken, LIMITS, type PickRequest } from '@gwpool/domain';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { ReadQueryDto } from './dtos.js';
import { IsOptional, Required, singleToken, Storable, Token, TokenList } from './field-rules.js';
import { MAX_POSITION_CHARS } from './replies.js';

/** Bounds of what one pick may ask; the routing rules cost O(ids) per candidate beyond a few. */
export const PICK_LIMITS = { exclude: 32, requireTags: LIMITS.tags, keyChars: 256, reportDetail: 256 } as const;

/** The options every pick takes besides what it routes through (and a query's minPosition); see docs/api.md. */
abstract class PickOptionsDto extends ReadQueryDto {
  @IsOptional() @TokenList(PICK_LIMITS.exclude) exclude?: string[];
  @IsOptional()
  @Storable()
  @MaxLength(PICK_LIMITS.keyChars)
  @MinLength(1, { message: '$property must not be empty' })
  @IsString()
  key?: string;
  @IsOptional() @Token() @IsString() preferZone?: string;
  @IsOptional() @TokenList(PICK_LIMITS.requireTags) requireTags?: string[];
}

/** Printable ASCII: its length is what MaxLength/MinLength count, and it is storable text. */
const PLAIN_TEXT = /^[\x20-\x7e]*$/;
const plainText = (value: unknown, max: number): boolean =>
  typeof value === 'string' && value.length >= 1 && value.length <= max && PLAIN_TEXT.test(value);
const tokenList = (value: unknown, max: number): boolean =>
  Array.isArray(value) && value.length <= max && value.every(isToken);

/** What each pick option must be for the hand check to take it; anything else goes to full validation. */
const PICK_OPTIONS: Record<string, (value: unknown) => boolean> = {
  exclude: (value) => tokenList(value, PICK_LIMITS.exclude),
  key: (value) => plainText(value, PICK_LIMITS.keyChars),
  preferZone: isToken,
  requireTags: (value) => tokenList(value, PICK_LIMITS.requireTags),
  minPosition: (value) => plainText(value, MAX_POSITION_CHARS),
};

/**
 * The hot path's check of a pick body: `field` (a token) and any pick options, each checked by hand with a rule
 * no looser than the decorators'. It only ever accepts: a body it cannot vouch for (an unknown or inherited key,
 * an accessor, a key outside printable ASCII, any bad value) returns undefined and takes full validation, which
 * words the refusal, so every reply stays the same.
 */
function pickBody<T extends object>(dto: new () => T, field: string, body: unknown): T | undefined {
  if (typeof body !== 'object' || body === null || Object.getPrototypeOf(body) !== Object.prototype) return undefined;
  const instance = new dto() as Record<string, unknown>;
  let named = false;
  for (const key of Object.getOwnPropertyNames(body)) {
    const value: unknown = Object.getOwnPropertyDescriptor(body, key)?.value;
    if (key === field) {
      if (!isToken(value)) return undefined;
      named = true;
    } else if (!Object.hasOwn(PICK_OPTIONS, key) || !(PICK_OPTIONS[key] as (value: unknown) => boolean)(value)) {
      return undefined;
    }
    instance[key] = value;
  }
  return named ? (instance as T) : undefined;
}

/** The pick options as the routing rules take them: fresh arrays, only what was given. */
export function pickRequestOf(dto: PickOptionsDto): PickRequest {
  const { exclude, key, preferZone, requireTags } = dto;
  return {
    ...(exclude !== undefined ? { exclude: [...exclude] } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(preferZone !== undefined ? { preferZone } : {}),
    ...(requireTags !== undefined ? { requireTags: [...requireTags] } : {}),
  };
}

/**
 * `route.pick`. A body with only `poolId` is checked by hand on the hot path, as fast as before the options; one
 * with valid pick options too, by `pickBody`.
 */
export class PickRouteDto extends PickOptionsDto {
  @Required() @Token() @IsString() poolId!: string;
  static fastParse(body: unknown): PickRouteDto | undefined {
    return singleToken(PickRouteDto, 'poolId', body) ?? pickBody(PickRouteDto, 'poolId', body);
  }
}

/** `route.resolve`; a body with only `consumerId`, or valid pick options too, takes the hand-written check. */
export class ResolveRouteDto extends PickOptionsDto {
  @Required() @Token() @IsString() consumerId!: string;
  static fastParse(body: unknown): ResolveRouteDto | undefined {
    return singleToken(ResolveRouteDto, 'consumerId', body) ?? pickBody(ResolveRouteDto, 'consumerId', body);
  }
}

export const CALLER_OUTCOMES = ['ok', 'failed'] as const;

/** `route.report`: what a caller saw when it used the gateway a pick gave it. */
export class RouteReportDto {
  @Required() @Token() @IsString() poolId!: string;
  @Required() @Token() @IsString() gatewayId!: string;
  @Required() @IsIn(CALLER_OUTCOMES, { message: '$property must be "ok" or "failed"' }) outcome!: 'ok' | 'failed';
  @IsOptional() @Storable() @MaxLength(PICK_LIMITS.reportDetail) @IsString() detail?: string;
}
