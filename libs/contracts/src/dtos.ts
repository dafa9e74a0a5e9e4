import {
  ACCOUNT_KEY_PATTERN,
  CONSUMER_TYPES,
  type ConsumerTarget,
  type ConsumerType,
  isStorableText,
  LIMITS,
  ROUTING_STRATEGIES,
  type RoutingStrategy,
} from '@gwpool/domain';
import {
  IsBoolean,
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
} from 'class-validator';
import {
  IsOptional,
  loadProblem,
  LoadShape,
  Required,
  singleToken,
  Slug,
  Storable,
  Token,
  TokenList,
  WholeNumber,
} from './field-rules.js';
import { MAX_POSITION_CHARS } from './replies.js';
import { RequestValidationError } from './request-validation-error.js';

const HEARTBEAT_DETAIL_MAX = 1024;
const STRATEGY_MESSAGE = `$property must be one of ${ROUTING_STRATEGIES.join(', ')}`;

// Decorators run from the last to the first: the type check comes last so it is reported first.
export class RegisterGatewayDto {
  @Required() @Token() @IsString() gatewayId!: string;
  @IsOptional() @Storable() @MaxLength(128) @IsString() name?: string;
  @IsOptional() @Token() @IsString() zone?: string;
  @IsOptional() @TokenList(LIMITS.tags) tags?: string[];
}

export class DrainGatewayDto {
  @Required() @Token() @IsString() gatewayId!: string;
  @Required() @IsBoolean() draining!: boolean;
}

export class GatewayRefDto {
  @Required() @Token() @IsString() gatewayId!: string;
}

/** `maxMembers` 0 means no limit, as when it is left out. */
export class CreatePoolDto {
  @Required() @Slug() @IsString() name!: string;
  @IsOptional() @Storable() @MaxLength(256) @IsString() description?: string;
  @IsOptional() @IsIn(ROUTING_STRATEGIES, { message: STRATEGY_MESSAGE }) strategy?: RoutingStrategy;
  @IsOptional() @WholeNumber(0, LIMITS.maxMembers) maxMembers?: number;
}

export class UpdatePoolDto {
  @Required() @Token() @IsString() poolId!: string;
  @IsOptional() @Slug() @IsString() name?: string;
  /** An empty string clears the description. */
  @IsOptional() @Storable() @MaxLength(256) @IsString() description?: string;
  @IsOptional() @IsIn(ROUTING_STRATEGIES, { message: STRATEGY_MESSAGE }) strategy?: RoutingStrategy;
  /** 0 lifts the limit. */
  @IsOptional() @WholeNumber(0, LIMITS.maxMembers) maxMembers?: number;
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

/**
 * Every query may name the log position its answer must include (a command's reply gives it). Its shape is the
 * event log's to judge: routing-query checks it with the adapter's own parser.
 */
export class ReadQueryDto {
  @IsOptional()
  @MaxLength(MAX_POSITION_CHARS)
  @MinLength(1, { message: '$property must not be empty' })
  @IsString()
  minPosition?: string;
}

export class PoolQueryDto extends ReadQueryDto {
  @Required() @Token() @IsString() poolId!: string;
  /** A body with minPosition, or anything else, takes full validation. */
  static fastParse(body: unknown): PoolQueryDto | undefined {
    return singleToken(PoolQueryDto, 'poolId', body);
  }
}

export class ConsumerQueryDto extends ReadQueryDto {
  @Required() @Token() @IsString() consumerId!: string;
  static fastParse(body: unknown): ConsumerQueryDto | undefined {
    return singleToken(ConsumerQueryDto, 'consumerId', body);
  }
}

export class HeartbeatDto {
  @Required() @IsIn(['passed', 'failed'], { message: '$property must be "passed" or "failed"' }) check!:
    'passed' | 'failed';
  @IsOptional() @Storable() @MaxLength(HEARTBEAT_DETAIL_MAX) @IsString() detail?: string;
  @IsOptional() @IsISO8601() sentAt?: string;
  /** Checked whole by `LoadShape`; copy only its two fields out of it. */
  @IsOptional() @LoadShape() load?: { activeConnections: number; capacity?: number };

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
      else if (key === 'load' && loadProblem(value) === undefined) dto.load = value as HeartbeatDto['load'];
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

/** Operator command: the NATS account an org's tenants connect with (its public key, not a secret). */
export class BindAccountDto {
  @Required() @Token() @IsString() org!: string;
  @Required()
  @Matches(ACCOUNT_KEY_PATTERN, {
    message: '$property must be a NATS account public key (A followed by 55 base32 characters)',
  })
  @IsString()
  accountPublicKey!: string;
}

/** Opaque log positions (`tx:seq` on PostgreSQL, `commit/prepare` on KurrentDB): short, and nothing else in them. */
const POSITION_PATTERN = /^[0-9A-Za-z:/_-]{1,64}$/;
const ISO_MESSAGE = '$property must be an ISO-8601 time such as 2026-12-01T18:00:00Z';
export const MAX_AUDIT_LIMIT = 1000;

export class AuditEventsDto {
  @IsOptional() @Token() @IsString() poolId?: string;
  @IsOptional() @Token() @IsString() gatewayId?: string;
  @IsOptional() @Token() @IsString() consumerId?: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: ISO_MESSAGE }) @MaxLength(40) @IsString() since?: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: ISO_MESSAGE }) @MaxLength(40) @IsString() until?: string;
  @IsOptional()
  @Matches(POSITION_PATTERN, { message: '$property must be a position from a previous reply (its next)' })
  @IsString()
  after?: string;
  @IsOptional()
  @Max(MAX_AUDIT_LIMIT, { message: `$property must be a whole number from 1 to ${MAX_AUDIT_LIMIT}` })
  @Min(1, { message: `$property must be a whole number from 1 to ${MAX_AUDIT_LIMIT}` })
  @IsInt({ message: `$property must be a whole number from 1 to ${MAX_AUDIT_LIMIT}` })
  limit?: number;
}

/** The audit's time range in epoch ms; refuses an empty range, which is a caller's mistake rather than no events. */
export function auditTimeRange(dto: AuditEventsDto): { since?: number; until?: number } {
  const since = dto.since === undefined ? undefined : Date.parse(dto.since);
  const until = dto.until === undefined ? undefined : Date.parse(dto.until);
  const bad = (field: string) =>
    new RequestValidationError(`invalid request: ${field} is not a time that exists`, { [field]: ISO_MESSAGE });
  if (since !== undefined && !Number.isFinite(since)) throw bad('since');
  if (until !== undefined && !Number.isFinite(until)) throw bad('until');
  if (since !== undefined && until !== undefined && since > until) {
    throw new RequestValidationError('invalid request: since must not be after until', {
      since: 'must not be after until',
    });
  }
  return { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) };
}

const AT_MESSAGE = '$property must be an ISO-8601 time such as 2026-12-01T18:00:00Z';

/** `pool.get`, now or as of `at`. */
export class PoolAtDto extends ReadQueryDto {
  @Required() @Token() @IsString() poolId!: string;
  @IsOptional() @IsISO8601({ strict: true }, { message: AT_MESSAGE }) @MaxLength(40) @IsString() at?: string;
}

/** `pool.list`, now or as of `at`. */
export class ListPoolsDto extends ReadQueryDto {
  @IsOptional() @IsISO8601({ strict: true }, { message: AT_MESSAGE }) @MaxLength(40) @IsString() at?: string;
}

/** How far ahead of the service's clock an `at` may be: a caller's clock a little ahead is not a mistake. */
const AT_SKEW_MS = 1000;

/** The instant of a time-travel `at` in epoch ms; refuses one that does not exist or lies in the future. */
export function timeTravelInstant(at: string, now: number): number {
  const ms = Date.parse(at);
  if (!Number.isFinite(ms)) {
    throw new RequestValidationError('invalid request: at is not a time that exists', { at: AT_MESSAGE });
  }
  if (ms > now + AT_SKEW_MS) {
    throw new RequestValidationError(`invalid request: at ${at} is in the future; the log only knows the past`, {
      at: 'must not be in the future',
    });
  }
  return ms;
}
