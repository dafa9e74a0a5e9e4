import {
  CONSUMER_TYPES,
  type ConsumerTarget,
  type ConsumerType,
  isStorableText,
  SLUG_PATTERN,
  TOKEN_PATTERN,
} from '@gwpool/domain';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  isISO8601,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { RequestValidationError } from './request-validation-error.js';

const HEARTBEAT_DETAIL_MAX = 1024;
const TOKEN_MESSAGE = 'must be 1 to 64 letters, digits, underscores or hyphens';
const SLUG_MESSAGE = 'must be 1 to 32 lowercase letters, digits or hyphens, not starting or ending with a hyphen';

const Token = () => Matches(TOKEN_PATTERN, { message: `$property ${TOKEN_MESSAGE}` });
const Required = () => IsDefined({ message: '$property is required' });
// Unlike IsOptional, a null is checked (and refused) rather than let through as a value.
const IsOptional = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Free text must be storable: PostgreSQL refuses a NUL character or a lone surrogate, which would fail the write. */
const Storable = () =>
  ValidateBy({
    name: 'storableText',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || isStorableText(value),
      defaultMessage: () => '$property must not contain a NUL character or a lone surrogate',
    },
  });

// Decorators run from the last to the first: the type check comes last so it is reported first.
export class RegisterGatewayDto {
  @Required() @Token() @IsString() gatewayId!: string;
  @IsOptional() @Storable() @MaxLength(128) @IsString() name?: string;
  @IsOptional() @Token() @IsString() zone?: string;
}

export class GatewayRefDto {
  @Required() @Token() @IsString() gatewayId!: string;
}

export class CreatePoolDto {
  @Required() @Matches(SLUG_PATTERN, { message: `$property ${SLUG_MESSAGE}` }) @IsString() name!: string;
  @IsOptional() @Storable() @MaxLength(256) @IsString() description?: string;
}

export class UpdatePoolDto {
  @Required() @Token() @IsString() poolId!: string;
  @IsOptional() @Matches(SLUG_PATTERN, { message: `$property ${SLUG_MESSAGE}` }) @IsString() name?: string;
  /** An empty string clears the description. */
  @IsOptional() @Storable() @MaxLength(256) @IsString() description?: string;
}

/**
 * The hot path (route.pick, route.resolve) checks its one-token bodies by hand with the same rule as the
 * decorators; anything else goes through full validation, which also words the refusal. It reads the one own data
 * property and nothing inherited, so a prototype key or an accessor cannot stand in for the field.
 */
function singleToken<T extends object>(dto: new () => T, field: keyof T & string, body: unknown): T | undefined {
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

export class PoolRefDto {
  @Required() @Token() @IsString() poolId!: string;
  static fastParse(body: unknown): PoolRefDto | undefined {
    return singleToken(PoolRefDto, 'poolId', body);
  }
}

export class PoolMemberDto {
  @Required() @Token() @IsString() poolId!: string;
  @Required() @Token() @IsString() gatewayId!: string;
}

export class AttachConsumerDto {
  @Required() @Token() @IsString() consumerId!: string;
  @Required()
  @IsIn(CONSUMER_TYPES, { message: `$property must be one of ${CONSUMER_TYPES.join(', ')}` })
  consumerType!: ConsumerType;
  @IsOptional() @Token() @IsString() poolId?: string;
  @IsOptional() @Token() @IsString() gatewayId?: string;
}

/** A consumer routes through exactly one pool or one gateway. */
export function consumerTarget(dto: AttachConsumerDto): ConsumerTarget {
  if ((dto.poolId === undefined) === (dto.gatewayId === undefined)) {
    throw new RequestValidationError('invalid request: exactly one of poolId or gatewayId is required', {
      poolId: 'exactly one of poolId or gatewayId is required',
      gatewayId: 'exactly one of poolId or gatewayId is required',
    });
  }
  return dto.poolId !== undefined
    ? { kind: 'pool', poolId: dto.poolId }
    : { kind: 'gateway', gatewayId: dto.gatewayId as string };
}

export class ConsumerRefDto {
  @Required() @Token() @IsString() consumerId!: string;
  static fastParse(body: unknown): ConsumerRefDto | undefined {
    return singleToken(ConsumerRefDto, 'consumerId', body);
  }
}

export class EmptyDto {}

export class HeartbeatDto {
  @Required() @IsIn(['passed', 'failed'], { message: '$property must be "passed" or "failed"' }) check!:
    'passed' | 'failed';
  @IsOptional() @Storable() @MaxLength(HEARTBEAT_DETAIL_MAX) @IsString() detail?: string;
  @IsOptional() @IsISO8601() sentAt?: string;

  /**
   * Heartbeats come at tens of thousands a second: the bodies full validation would accept are checked by hand, with
   * the same rules, reading own data properties only. Anything else (including a `detail` over the limit in UTF-16
   * units, which full validation may count differently) goes through full validation, which words the refusal.
   */
  static fastParse(body: unknown): HeartbeatDto | undefined {
    if (
      typeof body !== 'object' ||
      body === null ||
      Array.isArray(body) ||
      Object.getPrototypeOf(body) !== Object.prototype
    )
      return undefined;
    const dto = new HeartbeatDto();
    for (const key of Object.getOwnPropertyNames(body)) {
      const descriptor = Object.getOwnPropertyDescriptor(body, key);
      if (!descriptor?.enumerable || !('value' in descriptor)) return undefined;
      const value: unknown = descriptor.value;
      if (key === 'check' && (value === 'passed' || value === 'failed')) dto.check = value;
      else if (key === 'detail' && isHeartbeatDetail(value)) dto.detail = value;
      else if (key === 'sentAt' && typeof value === 'string' && isISO8601(value)) dto.sentAt = value;
      else return undefined;
    }
    return dto.check === undefined ? undefined : dto;
  }
}

const isHeartbeatDetail = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= HEARTBEAT_DETAIL_MAX && isStorableText(value);

export class SetEntitlementDto {
  @Required() @Token() @IsString() org!: string;
  @Required() @IsBoolean() gatewayPools!: boolean;
}

/** Operator repair of an org whose stream holds a quarantined event (see docs/api.md). */
export class VoidEventDto {
  @Required() @Token() @IsString() org!: string;
  @Required()
  @Max(Number.MAX_SAFE_INTEGER, { message: '$property must be a whole number from 0' })
  @Min(0, { message: '$property must be a whole number from 0' })
  @IsInt({ message: '$property must be a whole number from 0' })
  revision!: number;
  @Required()
  @Storable()
  @MaxLength(256)
  @MinLength(1, { message: '$property must not be empty' })
  @IsString()
  reason!: string;
}
